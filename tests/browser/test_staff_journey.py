"""UPT staff in a real browser: log in, register a WBP, find them by register number, switch language."""

import re

import pytest
from playwright.sync_api import expect

from inmates.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_register_a_wbp_and_find_them_by_register_number(page, staff, institution, password):
    page.goto(page.base_url + "/wbp/")
    # Anonymous: sent to the login page, in Indonesian although the browser asks for English.
    expect(page).to_have_url(re.compile(r"/login/\?next=/wbp/"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_label("Nama pengguna").fill("staf.amuntai")
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="WBP (warga binaan pemasyarakatan)")).to_be_visible()

    page.get_by_role("link", name="Daftarkan WBP").first.click()
    page.get_by_label("Nama lengkap").fill("Rudi Hartono")
    page.get_by_label("NIK").fill("630801010190000")  # 15 digits: refused, what was typed is kept
    page.get_by_label("Jenis kelamin").select_option("male")
    page.get_by_label("Tanggal lahir").fill("1990-01-01")
    page.get_by_label("Nomor register").fill("B.I 321/2025")
    page.get_by_label("Kategori register").select_option("B.I")
    page.get_by_label("Tanggal penerimaan").fill("2025-04-02")
    page.get_by_label("Tindak pidana").select_option("narcotics_user")
    page.get_by_role("button", name="Daftarkan").click()
    expect(page.get_by_text("NIK harus terdiri atas tepat 16 digit.")).to_be_visible()
    expect(page.get_by_label("Nomor register")).to_have_value("B.I 321/2025")
    assert not Person.objects.exists()

    page.get_by_label("NIK").fill("6308010101900003")
    page.get_by_role("button", name="Daftarkan").click()
    expect(page.get_by_role("heading", name="Rudi Hartono")).to_be_visible()
    expect(page.get_by_text("Rudi Hartono telah didaftarkan.")).to_be_visible()

    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="WBP").click()
    page.get_by_label("Nama, nomor register, atau NIK").fill("B.I 321/2025")
    page.get_by_role("button", name="Terapkan").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody")).to_contain_text("Rudi Hartono")

    page.locator("#language-select").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="WBP (inmates)")).to_be_visible()
    expect(page.locator("table tbody")).to_contain_text("Rudi Hartono")  # the search survives the switch
    page.locator("#language-select").select_option("id")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="WBP (warga binaan pemasyarakatan)")).to_be_visible()
