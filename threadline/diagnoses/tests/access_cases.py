from threadline.tests.access import Case

# Any signed-in member of any practice may look codes up: the code set is public reference data.
CASES = {
    "icd_browser": Case(),
    "icd_search": Case(),
}
