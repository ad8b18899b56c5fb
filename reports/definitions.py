"""The definitions every report prints in its appendix and its XLSX puts on a sheet of their own: what each
figure counts, its unit and its source, in the report's language; a report made before a section existed
leaves that section's definition out (definitions_for)."""

from django.utils.translation import gettext_lazy as _

DEFINITIONS = (
    (
        _("Screened"),
        _(
            "Unit: people at each UPT. Distinct people with a screening dated in the month at a UPT in scope;"
            " someone screened at two UPTs in the month counts at each, so a region's figure is the sum of "
            "its UPTs'. Source: screenings."
        ),
    ),
    (
        _("Data cut-off"),
        _(
            "Every figure counts what had been recorded by the data cut-off printed on the first page: for "
            "the month's report, the month's end in WIB (the last of the three zones' midnights), the same "
            "for every UPT, region and the nation, so their figures add up; the moment of the reissue for a "
            "reissue; the moment of generation for a provisional report. A session moved or cancelled later, "
            "attendance typed late, a release, return or death recorded later appear only in a reissue, so "
            "the month's report never changes by itself."
        ),
    ),
    (
        _("Days and months"),
        _(
            "Each UPT's own calendar (WIB, WITA or WIT): a session at 00:30 WITA on the 1st belongs to the "
            "new month there."
        ),
    ),
    (
        _("Active at the month's end"),
        _(
            "Unit: enrolments. Enrolments whose transition rows show a start on or before the last day and no"
            " end by then; someone in medical and social rehabilitation at once counts once in each kind, and"
            " once among the people active at that UPT. Source: enrolment transitions."
        ),
    ),
    (
        _("People treated (PP 25/2011 Art. 18)"),
        _(
            "What Government Regulation (PP) 25/2011 on the compulsory reporting of narcotics addicts, Art. "
            "18, asks to be reported on the people treated — number, identity, substance, duration of use, "
            "route of use, diagnosis and treatment history — from what this system records. Unit: people at "
            "each UPT. People treated: distinct people with a medical or social rehabilitation enrolment at "
            "the UPT that was active on some day of the month (its start dated by the last day, no end dated "
            "before the first); someone treated at two UPTs in the month counts at each. Identity, in "
            "aggregate only: sex, and age at the month's last day (unknown without a date of birth). "
            "Substance: the substance with the highest ASSIST specific involvement score in the person's "
            "latest ASSIST screening dated by the month's end, at any UPT; a tie goes to the substance ASSIST"
            " lists first; none scored above 0, or not screened. Duration of use: not recorded (ASSIST asks "
            "about the past 3 months and about life so far, not for how long), so not reported. Route of use:"
            " that screening's question 8 on injecting (never, in the past 3 months, earlier). Diagnosis: no "
            "ICD-10 diagnosis is recorded; that screening's ASSIST level of involvement (lower, moderate or "
            "high risk: the highest over the substances) is given in its place, and is not a diagnosis. "
            "Treatment history: treated before when another medical or social enrolment of the person, at any"
            " UPT, became active on an earlier day than the first one counting them here this month; first "
            "programme otherwise. Source: enrolment transitions, screenings and the person's record, as "
            "recorded by the data cut-off."
        ),
    ),
    (
        _("Attendance rate"),
        _(
            "Unit: attendance records (one person at two sessions counts twice). Present or late ÷ expected, "
            "in sessions held in the month; expected = attendance recorded, less absences with an acceptable "
            "reason (court, illness, visit, transfer, lockdown), which are shown apart. Sessions without "
            "recorded attendance are counted apart, never as attended."
        ),
    ),
    (
        _("Screening coverage"),
        _(
            "Unit: people. Of the people held for narcotics (either article) at a UPT at the month's end — "
            "where their custody spell's latest arrival or transfer by that day put them — those with a "
            "screening dated in that spell by the month's end. Source: custody movements and screenings."
        ),
    ),
    (
        _("Leaving a programme, by reason"),
        _(
            "Unit: steps out of a programme dated in the month. A drop-out records its reason (disciplinary, "
            "voluntary withdrawal, health, death, other); a release is a release or a death in custody; a "
            "completion or a transfer is its own reason. The reasons add up to the drop-outs and releases "
            "above."
        ),
    ),
    (
        _("Phases of the Therapeutic Community"),
        _(
            "Unit: people at each UPT. Each person active at the month's end in the phase their latest move "
            "dated by then put them in (induction, primary, re-entry, other, as each programme names its "
            "phases); those not yet moved into a phase apart. The phases add up to the people active. "
            "Source: phase moves."
        ),
    ),
    (
        _("Quality of life (WHOQOL-BREF)"),
        _(
            "Unit: people. Those whose WHOQOL-BREF at the end of a programme is dated in the month and who "
            "answered it at the start too; per domain, the mean of end less start on the WHO's 0–100 scale "
            "(WHOQOL-BREF, WHO 1996: a domain is scored only with enough of its items answered). A mean is "
            "withheld where its group, or a group that could be worked out by subtracting other published "
            "means, has fewer than 5 people. Source: WHOQOL-BREF records."
        ),
    ),
    (
        _("Follow-ups overdue"),
        _(
            "Due before the month's last day and not done by then (called-off ones excluded). Source: "
            "after-care follow-ups."
        ),
    ),
    (
        _("Return to custody"),
        _(
            "Release cohorts by year: eligible = released at least the window before the month's last day; "
            "returned = admitted again at any UPT within the window. A rate over people released, not the "
            "share of repeat offenders in custody."
        ),
    ),
    (
        _("Achievement against target"),
        _(
            "Active participants at the month's end ÷ the sum of the targets of programmes running in the "
            "month."
        ),
    ),
    (
        _("Protecting people in small numbers"),
        _(
            "Counts of 1 to 4 people are shown as <5 in every report, whatever its scope; a percentage is "
            "withheld (×) when its numerator or denominator is such a count, or when the difference between "
            "them is (38 of 40 returned says that 2 did not). Then more counts are withheld (×), the smallest"
            " first, wherever a hidden one could be worked out by arithmetic: from a total beside its parts "
            "(medical <5, social 5, total 7), from an order between cells (returns are at most those "
            "eligible), or from the reports of the same month at other scopes (a region minus its other UPTs,"
            " the nation minus the other regions). All reports of a month at one data cut-off are decided "
            "together. Survival curves are drawn for groups of at least 20 people and stop where fewer than 5"
            " remain at risk; the numbers at risk are printed under the chart. Source: the small-cell "
            "threshold of official statistics (a count under 5), with the rule that a figure derived from a "
            "suppressed count is suppressed too, and complementary cell suppression for linked tables "
            "(Statistics Netherlands, τ-ARGUS manual)."
        ),
    ),
)


# Definitions of sections a snapshot may lack (made before the section existed), with that section.
SECTIONS = (
    (_("People treated (PP 25/2011 Art. 18)"), "pp25"),
    (_("Quality of life (WHOQOL-BREF)"), "quality_of_life"),
)


def definitions_for(snapshot: dict) -> list[tuple]:
    """The definitions of what this snapshot holds."""
    return [
        (term, text)
        for term, text in DEFINITIONS
        if all(section in snapshot for named, section in SECTIONS if term == named)
    ]
