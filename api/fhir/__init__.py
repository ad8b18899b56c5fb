"""FHIR R4 export of one person's rehabilitation record (issue 19): `Patient/<pk>/$everything`.

- questionnaires: the screening instruments as Questionnaires, a screening's answers as response items
- bundle: what the caller may see of one person, read through each model's `visible_to`, as a Bundle
- views: the DRF view (token or session, audited like the person page)

See docs/fhir.md for the resource mapping and what is left out.
"""
