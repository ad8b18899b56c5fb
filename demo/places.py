"""The real places the project started from (shared/seeds/, Indonesian news articles, 2023–2025).

Names, classes and cities are as the articles give them; capacities are left empty where no public figure
was at hand. Sumatera Selatan's article names no single UPT, so four well-known Palembang UPT stand in.
"""

from institutions.models import Agency, Institution, TimeZones

REGIONS = [
    # code, name, province, time zone
    ("kalsel", "Kanwil Ditjenpas Kalimantan Selatan", "Kalimantan Selatan", TimeZones.WITA),
    ("ntt", "Kanwil Ditjenpas Nusa Tenggara Timur", "Nusa Tenggara Timur", TimeZones.WITA),
    ("jatim", "Kanwil Ditjenpas Jawa Timur", "Jawa Timur", TimeZones.WIB),
    ("sumsel", "Kanwil Ditjenpas Sumatera Selatan", "Sumatera Selatan", TimeZones.WIB),
]

INSTITUTIONS = [
    # code, name, kind, class, region, city; (NIK province code, regency code) for demo people
    (
        "lapas-amuntai",
        "Lapas Kelas IIB Amuntai",
        Institution.Kind.LAPAS,
        "IIB",
        "kalsel",
        "Hulu Sungai Utara",
    ),
    (
        "rutan-barabai",
        "Rutan Kelas IIB Barabai",
        Institution.Kind.RUTAN,
        "IIB",
        "kalsel",
        "Hulu Sungai Tengah",
    ),
    ("lpp-kupang", "Lapas Perempuan Kelas IIB Kupang", Institution.Kind.LPP, "IIB", "ntt", "Kota Kupang"),
    ("lapas-banyuwangi", "Lapas Kelas IIA Banyuwangi", Institution.Kind.LAPAS, "IIA", "jatim", "Banyuwangi"),
    ("lapas-palembang", "Lapas Kelas I Palembang", Institution.Kind.LAPAS, "I", "sumsel", "Kota Palembang"),
    (
        "lapas-narkotika-palembang",
        "Lapas Narkotika Kelas IIA Palembang",
        Institution.Kind.LAPAS_NARKOTIKA,
        "IIA",
        "sumsel",
        "Kota Palembang",
    ),
    ("rutan-palembang", "Rutan Kelas I Palembang", Institution.Kind.RUTAN, "I", "sumsel", "Kota Palembang"),
    ("lpka-palembang", "LPKA Kelas I Palembang", Institution.Kind.LPKA, "I", "sumsel", "Kota Palembang"),
]

AGENCIES = [
    # code, name, kind, region, parent, city
    ("bnn", "Badan Narkotika Nasional (BNN)", Agency.Kind.BNN, None, None, "Jakarta"),
    ("bnnp-kalsel", "BNNP Kalimantan Selatan", Agency.Kind.BNNP, "kalsel", "bnn", "Banjarmasin"),
    ("bnnk-hsu", "BNNK Hulu Sungai Utara", Agency.Kind.BNNK, "kalsel", "bnnp-kalsel", "Amuntai"),
    ("bnnk-balangan", "BNNK Balangan", Agency.Kind.BNNK, "kalsel", "bnnp-kalsel", "Paringin"),
    ("bnnp-ntt", "BNNP Nusa Tenggara Timur", Agency.Kind.BNNP, "ntt", "bnn", "Kupang"),
    (
        "lrppn-bi-banyuwangi",
        "IPWL LRPPN-BI Banyuwangi (Lembaga Rehabilitasi Pencegahan Penyalahgunaan Narkotika "
        "Bhayangkara Indonesia)",
        Agency.Kind.IPWL,
        "jatim",
        None,
        "Banyuwangi",
    ),
    ("bnnp-sumsel", "BNNP Sumatera Selatan", Agency.Kind.BNNP, "sumsel", "bnn", "Palembang"),
    ("ikai-sumsel", "IKAI Sumatera Selatan", Agency.Kind.IKAI, "sumsel", None, "Palembang"),
    (
        "dinkes-sumsel",
        "Dinas Kesehatan Provinsi Sumatera Selatan",
        Agency.Kind.DINKES,
        "sumsel",
        None,
        "Palembang",
    ),
    (
        "dinsos-sumsel",
        "Dinas Sosial Provinsi Sumatera Selatan",
        Agency.Kind.DINSOS,
        "sumsel",
        None,
        "Palembang",
    ),
]

# How many fictitious WBP each UPT gets (about 300 in all), and the NIK area code of its regency.
DEMO_POPULATION = {
    "lapas-amuntai": (52, "6308"),
    "rutan-barabai": (48, "6307"),
    "lpp-kupang": (24, "5371"),
    "lapas-banyuwangi": (60, "3510"),
    "lapas-palembang": (40, "1671"),
    "lapas-narkotika-palembang": (44, "1671"),
    "rutan-palembang": (22, "1671"),
    "lpka-palembang": (10, "1671"),
}

# One demo user per role per place: username, first name, last name, role, place code.
USERS = [
    ("staf.amuntai", "Rahmat", "Hidayat", "upt_staff", "lapas-amuntai"),
    ("staf.barabai", "Siti", "Aminah", "upt_staff", "rutan-barabai"),
    ("staf.kupang", "Maria", "Ndun", "upt_staff", "lpp-kupang"),
    ("staf.banyuwangi", "Agus", "Santoso", "upt_staff", "lapas-banyuwangi"),
    ("staf.lapas-palembang", "Dedi", "Kurniawan", "upt_staff", "lapas-palembang"),
    ("staf.narkotika-palembang", "Yuliana", "Putri", "upt_staff", "lapas-narkotika-palembang"),
    ("staf.rutan-palembang", "Hendra", "Saputra", "upt_staff", "rutan-palembang"),
    ("staf.lpka-palembang", "Rina", "Marlina", "upt_staff", "lpka-palembang"),
    ("konselor.bnnk-hsu", "Nurul", "Huda", "counsellor", "bnnk-hsu"),
    ("konselor.bnnk-balangan", "Fitri", "Handayani", "counsellor", "bnnk-balangan"),
    ("konselor.bnnp-ntt", "Yohanes", "Bria", "counsellor", "bnnp-ntt"),
    ("konselor.lrppn-bi", "Dwi", "Prasetyo", "counsellor", "lrppn-bi-banyuwangi"),
    ("konselor.bnnp-sumsel", "Ahmad", "Fauzi", "counsellor", "bnnp-sumsel"),
    ("kanwil.kalsel", "Budi", "Rahman", "regional", "kalsel"),
    ("kanwil.ntt", "Fransiska", "Laka", "regional", "ntt"),
    ("kanwil.jatim", "Sri", "Wahyuni", "regional", "jatim"),
    ("kanwil.sumsel", "Muhammad", "Ridwan", "regional", "sumsel"),
    ("ditjenpas", "Andi", "Wijaya", "national", None),
    # Data-protection officers (UU 27/2022 Art. 53): one national, one for Kalimantan Selatan.
    ("dpo.pusat", "Ratna", "Sari", "dpo", None),
    ("dpo.kalsel", "Irfan", "Maulana", "dpo", "kalsel"),
]

# Heads of UPT (Kalapas / Karutan): UPT staff who approve recommendations. Fictitious names.
HEADS = [
    ("kalapas.amuntai", "Hendro", "Wibisono", "lapas-amuntai"),
    ("karutan.barabai", "Made", "Arsana", "rutan-barabai"),
    ("kalapas.kupang", "Yuliana", "Tefa", "lpp-kupang"),
    ("kalapas.banyuwangi", "Bambang", "Setiadi", "lapas-banyuwangi"),
]
