"""The brand kit dialog and toolbar combo as a user drives them (real widgets, real SQLite file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from studio_app.domain.media import MediaAssetType
from studio_app.services.brand_kits import BrandKitService
from studio_app.services.context import StudioStore
from studio_app.ui.brand_kits import ActiveBrandKitCombo, BrandKitsDialog
from studio_app.ui.brand_kits.dialog import ACTIVE_MARK
from studio_app.ui.brand_kits.widgets import NO_LOGO


class Answers:
    """Scripted replies for the dialog's confirm() and colour picker, recording the questions."""

    def __init__(self) -> None:
        self.confirm_reply = True
        self.questions: list[str] = []
        self.colours: list[str] = []

    def confirm(self, _title: str, question: str) -> bool:
        self.questions.append(question)
        return self.confirm_reply

    def colour(self, _initial: QColor, _parent, _title: str) -> QColor:  # noqa: ANN001
        return QColor(self.colours.pop(0)) if self.colours else QColor()


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def open_dialog(qtbot, service, answers):
    def open_() -> BrandKitsDialog:
        dialog = BrandKitsDialog(service, colour_getter=answers.colour, confirm=answers.confirm)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return open_


def click(qtbot, button) -> None:  # noqa: ANN001
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot, line_edit, text: str) -> None:  # noqa: ANN001
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(line_edit, text)


def stored(data_dir: Path) -> list:
    """Kits as a fresh store on the same file sees them."""
    s = StudioStore.open(data_dir)
    try:
        return BrandKitService(s).list()
    finally:
        s.close()


def test_create_a_kit_with_two_colours_fonts_and_a_library_logo(qtbot, open_dialog, answers, add_media,
                                                                data_dir):
    logo = add_media("horse.png", name="Horse logo")
    face = add_media("astronaut.png", MediaAssetType.FACE, name="My face")
    dialog = open_dialog()
    assert "New brand kit" in dialog.heading.text()  # no kits yet: a draft
    type_into(qtbot, dialog.name_edit, "Night Raid")

    # Two primary colours: the default one removed, one typed, one picked with the colour dialog.
    click(qtbot, dialog.primary.remove_button)
    qtbot.keyClicks(dialog.primary.hex_edit, "ff0055")
    qtbot.keyClick(dialog.primary.hex_edit, Qt.Key.Key_Return)
    answers.colours = ["#00ccff"]
    click(qtbot, dialog.primary.pick_button)
    assert dialog.primary.colours() == ["#FF0055", "#00CCFF"]

    # Fonts from the system's families; a font that is not installed is kept, with a note.
    families = dialog.headline_font.families
    assert "DejaVu Serif" in families
    dialog.headline_font.combo.setCurrentIndex(dialog.headline_font.combo.findText("DejaVu Serif"))
    dialog.body_font.combo.lineEdit().selectAll()
    qtbot.keyClicks(dialog.body_font.combo.lineEdit(), "Bebas Neue")
    assert dialog.body_font.note.isVisibleTo(dialog)
    assert not dialog.headline_font.note.isVisibleTo(dialog)
    type_into(qtbot, dialog.tone_edit, "hype")

    # Logos come from the library: logo-type assets, or every asset when asked.
    offered = [dialog.primary_logo.itemData(i) for i in range(dialog.primary_logo.count())]
    assert offered == [None, logo.id]
    assert not dialog.primary_logo.itemIcon(1).isNull()  # with its thumbnail
    assert dialog.primary_logo.select_asset(logo.id)
    dialog.all_media.setChecked(True)
    assert dialog.secondary_logo.findData(face.id) > 0
    assert dialog.primary_logo.asset_id() == logo.id  # the choice survives the refill
    dialog.secondary_logo.select_asset(face.id)

    click(qtbot, dialog.save_button)
    assert dialog.error_text() == ""
    assert "Saved 'Night Raid'" in dialog.status_label.text()
    [kit] = stored(data_dir)
    assert kit.name == "Night Raid"
    assert kit.primary_colors == ["#FF0055", "#00CCFF"]
    assert kit.accent_colors == ["#FFFFFF"]
    assert (kit.headline_font, kit.body_font, kit.tone) == ("DejaVu Serif", "Bebas Neue", "hype")
    assert kit.logo_asset_ids == {"primary": logo.id, "secondary": face.id}
    assert dialog.kit_names() == ["Night Raid"]
    assert dialog.kit_id == kit.id


def test_duplicate_set_active_and_delete(qtbot, open_dialog, answers, service, data_dir):
    original = service.create("Main", primary_colors=["#123456"], tone="chill")
    dialog = open_dialog()
    combo = ActiveBrandKitCombo(service)
    qtbot.addWidget(combo)
    assert dialog.kit_id == original.id
    assert combo.currentText() == "No brand kit"

    click(qtbot, dialog.duplicate_button)
    assert dialog.kit_names() == ["Copy of Main", "Main"]
    assert dialog.name_edit.text() == "Copy of Main"
    copy_id = dialog.kit_id
    assert copy_id != original.id

    click(qtbot, dialog.activate_button)
    assert dialog.kit_names() == ["Copy of Main" + ACTIVE_MARK, "Main"]
    assert service.active().id == copy_id
    assert combo.currentText() == "Copy of Main"  # the toolbar follows
    assert not dialog.activate_button.isEnabled()

    answers.confirm_reply = False
    click(qtbot, dialog.delete_button)
    assert "It is the active kit" in answers.questions[-1]
    assert len(stored(data_dir)) == 2  # declined: nothing deleted

    answers.confirm_reply = True
    click(qtbot, dialog.delete_button)
    assert [k.name for k in stored(data_dir)] == ["Main"]
    assert service.active() is None
    assert dialog.kit_names() == ["Main"]
    assert dialog.kit_id == original.id  # the remaining kit is shown
    assert combo.currentText() == "No brand kit"


def test_bad_hex_shows_an_inline_error_and_does_not_save(qtbot, open_dialog, service, data_dir):
    kit = service.create("Main", primary_colors=["#123456"], tone="chill")
    dialog = open_dialog()
    type_into(qtbot, dialog.tone_edit, "loud")
    qtbot.keyClicks(dialog.primary.hex_edit, "#12345")
    # Live validation: the field is flagged and the error says why, before any save.
    assert dialog.primary.error.isVisibleTo(dialog)
    assert dialog.primary.error.text() == "Primary colour '#12345' is not a hex colour (use #RRGGBB)."
    assert not dialog.primary.add_button.isEnabled()
    qtbot.keyClick(dialog.primary.hex_edit, Qt.Key.Key_Return)
    assert dialog.primary.colours() == ["#123456"]

    click(qtbot, dialog.save_button)
    assert "'#12345' is not a hex colour" in dialog.error_text()
    assert [(k.tone, k.primary_colors) for k in stored(data_dir)] == [("chill", ["#123456"])]
    # Nothing typed is lost.
    assert dialog.primary.hex_edit.text() == "#12345"
    assert dialog.tone_edit.text() == "loud"

    qtbot.keyClicks(dialog.primary.hex_edit, "67")  # 7 digits: still wrong
    assert dialog.primary.error.text() == "Primary colour '#1234567' is not a hex colour (use #RRGGBB)."
    type_into(qtbot, dialog.primary.hex_edit, "#abcdef")
    assert not dialog.primary.error.isVisibleTo(dialog)
    click(qtbot, dialog.save_button)  # a valid colour left in the field goes in with the save
    assert dialog.error_text() == ""
    saved = service.get(kit.id)
    assert (saved.tone, saved.primary_colors) == ("loud", ["#123456", "#ABCDEF"])


def test_service_errors_show_inline_and_keep_the_form(qtbot, open_dialog, service, data_dir):
    service.create("Taken")
    dialog = open_dialog()
    click(qtbot, dialog.new_button)
    type_into(qtbot, dialog.name_edit, "taken")
    type_into(qtbot, dialog.style_edit, "comic outlines")
    click(qtbot, dialog.save_button)
    assert dialog.error_text() == "A brand kit named 'Taken' already exists."
    assert dialog.style_edit.text() == "comic outlines" and dialog.kit_id is None
    assert len(stored(data_dir)) == 1

    type_into(qtbot, dialog.name_edit, "")
    click(qtbot, dialog.save_button)
    assert dialog.error_text() == "Name cannot be empty."

    type_into(qtbot, dialog.name_edit, "Fresh")
    click(qtbot, dialog.save_button)
    assert dialog.error_text() == ""
    assert sorted(k.name for k in stored(data_dir)) == ["Fresh", "Taken"]


def test_switching_kits_with_unsaved_changes_asks_first(qtbot, open_dialog, answers, service):
    a = service.create("A", tone="calm")
    b = service.create("B", tone="wild")
    dialog = open_dialog()
    assert dialog.kit_id == a.id
    type_into(qtbot, dialog.tone_edit, "edited")
    answers.confirm_reply = False
    dialog.kit_list.setCurrentRow(1)
    assert "Discard your unsaved changes to 'A'" in answers.questions[-1]
    assert dialog.kit_id == a.id and dialog.tone_edit.text() == "edited"
    assert dialog.kit_list.currentRow() == 0
    answers.confirm_reply = True
    dialog.kit_list.setCurrentRow(1)
    assert dialog.kit_id == b.id and dialog.tone_edit.text() == "wild"
    assert service.get(a.id).tone == "calm"


def test_a_logo_deleted_from_the_library_is_flagged_not_dropped(qtbot, open_dialog, service, add_media, store):
    logo = add_media("horse.png", name="Old logo")
    kit = service.create("K", logo_asset_ids={"primary": logo.id})
    store.media.soft_delete([logo.id])
    dialog = open_dialog()
    assert dialog.primary_logo.asset_id() == logo.id
    assert "deleted" in dialog.primary_logo.currentText()
    click(qtbot, dialog.save_button)
    assert dialog.error_text() == "The primary logo 'Old logo' was deleted from the media library; choose another."
    dialog.primary_logo.setCurrentIndex(dialog.primary_logo.findText(NO_LOGO))
    click(qtbot, dialog.save_button)
    assert dialog.error_text() == ""
    assert service.get(kit.id).logo_asset_ids == {}


def test_active_combo_switches_the_active_kit(qtbot, service):
    a = service.create("A")
    b = service.create("B", active=True)
    combo = ActiveBrandKitCombo(service)
    qtbot.addWidget(combo)
    assert [combo.itemText(i) for i in range(combo.count())] == ["No brand kit", "A", "B"]
    assert combo.active_kit_id() == b.id
    combo.setCurrentIndex(combo.findData(a.id))
    assert service.active().id == a.id
    combo.setCurrentIndex(0)
    assert service.active() is None
    service.create("C", active=True)  # made elsewhere: the combo follows
    assert combo.currentText() == "C"
    assert service.palette() == service.active().primary_colors + service.active().accent_colors
