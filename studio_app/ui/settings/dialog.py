"""SettingsDialog: image providers (default, model, address, API key) and the coach's chat model.

Keys are entered here, tested ("Test connection" makes one cheap call that bills nothing)
and removed; they go to the OS keyring through services.provider_setup, never to
settings.json. Every keyring and network call runs in a QThreadPool worker and reports back
by signal, so the dialog never blocks: a busy indicator shows while one is under way. When
the keyring cannot keep keys (fail/null/plain-text backend, or it did not answer in time)
a banner says that keys are kept for this run only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import shiboken6
from PySide6.QtCore import QStringListModel, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio_app.services import model_lists as ml
from studio_app.services import provider_setup as ps
from studio_app.services.settings_services import SettingsServices
from studio_app.services.workers import Worker, first_line, run_in_pool
from studio_app.ui.forms import MUTED_STYLE, add_rows, note_label

from .library_page import LibrarySettingsPage
from .sync_page import SyncSettingsPage

DEFAULT_CHOICES = (
    ("", "Automatic (Gemini once a key is set, else offline)"),
    ("offline", "Offline preview (no AI)"),
    ("gemini", "Gemini (Nano Banana)"),
    ("openai", "OpenAI (GPT Image)"),
)
KEYED_PROVIDERS = (("gemini", "Gemini (Nano Banana)"), ("openai", "OpenAI"))
DEFAULT_TIMEOUT_S = 180
OK_STYLE = "color: #1b7f3b;"
ERROR_STYLE = "color: #b3261e;"
BANNER_STYLE = ("background: #fff4ce; color: #5c4400; border: 1px solid #e0c36a; border-radius: 4px; "
                "padding: 6px;")

_POOL: QThreadPool | None = None


def settings_pool() -> QThreadPool:
    """The pool for Settings work (keyring, connection tests), apart from the generation pool
    so a key check never waits behind running generations."""
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool()
        _POOL.setMaxThreadCount(2)
    return _POOL


class ProviderBox(QGroupBox):
    """Model, address and key of one image provider, with Save key / Test connection / Remove key."""

    def __init__(self, name: str, title: str, settings: ps.ProviderSettings,
                 live: ml.CachedModelList | None = None, chosen: str = "") -> None:
        super().__init__(title)
        self.name = name
        self.stored_model = (settings.models.get(name) or "").strip()
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setMinimumContentsLength(26)
        self.refresh = QPushButton("Refresh list")
        self.refresh.setToolTip("Ask the service which models this key can use today")
        self.model_note = QLabel()
        self.model_note.setWordWrap(True)
        self.live: ml.CachedModelList | None = None
        self.set_models(live, chosen or settings.model_for(name))
        self.model.currentTextChanged.connect(lambda _t: self._describe())
        self.base_url = QLineEdit(settings.base_urls.get(name, ""))
        self.base_url.setPlaceholderText(f"{ps.DEFAULT_BASE_URLS.get(name, '')} (default)")
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText("Paste an API key to save it")
        self.key_status = QLabel("Checking the keyring…")
        self.save_key = QPushButton("Save key")
        self.test = QPushButton("Test connection")
        self.remove_key = QPushButton("Remove key")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        buttons = QHBoxLayout()
        for b in (self.save_key, self.test, self.remove_key):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form = QFormLayout(self)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.refresh)
        add_rows(form, [("Model", model_row), ("", self.model_note), ("Address", self.base_url),
                        ("API key", self.key), ("", self.key_status), ("", buttons), ("", self.result)])

    def set_models(self, live: ml.CachedModelList | None, current: str) -> None:
        """Offer the service's live list (else the catalogue's known models) and select
        ``current``, which stays shown even when the list lacks it (then marked unavailable)."""
        self.live = live
        ids = list(live.models) if live is not None and live.models else list(ps.IMAGE_MODELS.get(self.name, ()))
        self.model.blockSignals(True)
        self.model.clear()
        for mid in ids:
            self.model.addItem(mid)
            self.model.setItemData(self.model.count() - 1, ps.model_capabilities(self.name, mid),
                                   Qt.ItemDataRole.ToolTipRole)
        self.model.setCurrentText(current)
        self.model.blockSignals(False)
        self._describe()

    @property
    def unavailable(self) -> bool:
        """True when the live list does not offer the model shown."""
        return self.live is not None and bool(self.live.models) and \
            self.model.currentText().strip() not in self.live.models

    def _describe(self) -> None:
        mid = self.model.currentText().strip()
        if not mid:
            self.model_note.clear()
            return
        if self.unavailable:
            offered = ", ".join(ps.offered_instead(self.name, mid, self.live.models if self.live else [])[:4])
            self.model_note.setStyleSheet(ERROR_STYLE)
            self.model_note.setText(f"{mid} is unavailable: the service no longer lists it (retired or not "
                                    f"open to this key). Offered: {offered}.")
            return
        when = (f" · listed by the service {self.live.fetched_at.astimezone():%d %b %H:%M}"
                if self.live is not None else " · not checked with the service yet")
        self.model_note.setStyleSheet(MUTED_STYLE)
        self.model_note.setText(f"{ps.model_capabilities(self.name, mid)}{when}")

    def show_result(self, ok: bool, text: str) -> None:
        """Show a test/save outcome in green (ok) or red."""
        self.result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.result.setText(text)
        self.result.setVisible(bool(text))


class SettingsDialog(QDialog):
    """Providers page (default image provider, per-provider model, address and key, answer
    timeout) and Coach LLM page (chat kind, model, address).

    Signals:
        settingsChanged(): something was stored (a key saved or removed, which may change the
            default provider, or the dialog's Save); the main window re-reads its provider.

    Args:
        services: the provider setup, library, segmentation models and sync behind the pages.
        pool: where keyring and network work runs (default: settings_pool()).
    """

    settingsChanged = Signal()

    def __init__(self, services: SettingsServices, *, pool: QThreadPool | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setup = services.setup
        self.pool = pool or settings_pool()
        self._tasks: dict[str, Worker] = {}
        self._serial = 0
        self._closing = False
        self.last_error: str | None = None
        providers = self.setup.provider_settings()
        coach = self.setup.coach_llm_settings()

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_providers_page(providers), "Image providers")
        self.tabs.addTab(self._build_coach_page(coach), "Coach LLM")
        # Library and Sync pages: every "Settings → Library/Sync" message points here.
        self.library_page = LibrarySettingsPage(services.library, services.segmentation)
        self.tabs.addTab(self.library_page, "Library")
        self.sync_page = SyncSettingsPage(services.sync)
        self.tabs.addTab(self.sync_page, "Sync")

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFixedWidth(110)
        self.busy.setTextVisible(False)
        self.busy_label = QLabel("Working…")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.busy)
        bottom.addWidget(self.busy_label)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        # tall enough for the wrapped notes at 640 px (560 px clipped them), short enough for 768 px screens
        self.resize(640, min(max(560, layout.totalHeightForWidth(640) + 40), 700))
        self._update_busy()
        self._run("load", self._load_state)

    # -- pages ------------------------------------------------------------------------------
    def page_titles(self) -> list[str]:
        """The pages' titles, in tab order ("Image providers", "Coach LLM", "Library", "Sync")."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_page(self, title: str) -> bool:
        """Bring the page named ``title`` to the front; False when there is none."""
        for i, name in enumerate(self.page_titles()):
            if name.lower() == title.lower():
                self.tabs.setCurrentIndex(i)
                return True
        return False

    # -- building ---------------------------------------------------------------------------
    def _build_providers_page(self, settings: ps.ProviderSettings) -> QWidget:
        page = QWidget()
        self.default_provider = QComboBox()
        for value, label in DEFAULT_CHOICES:
            self.default_provider.addItem(label, value)
        self.default_provider.setCurrentIndex(max(0, self.default_provider.findData(settings.default_provider or "")))
        self.keyring_banner = QLabel()
        self.keyring_banner.setWordWrap(True)
        self.keyring_banner.setStyleSheet(BANNER_STYLE)
        self.keyring_banner.hide()
        self.timeout = QSpinBox()
        self.timeout.setRange(5, int(ps.MAX_READ_TIMEOUT_S))
        self.timeout.setSuffix(" s")
        self.timeout.setValue(round(settings.read_timeout_s or DEFAULT_TIMEOUT_S))
        self.timeout.setMaximumWidth(110)
        self.timeout.setToolTip("How long to wait for an image before giving up (large images can take minutes)")
        self.boxes: dict[str, ProviderBox] = {}
        top = QFormLayout()
        top.addRow("Generate with", self.default_provider)
        top.addRow("Answer timeout", self.timeout)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.keyring_banner)
        for name, title in KEYED_PROVIDERS:
            url = settings.base_url_for(name)
            box = ProviderBox(name, title, settings, self.setup.cached_image_models(name, base_url=url),
                              self.setup.resolved_model(name, base_url=url))
            box.refresh.clicked.connect(lambda _=False, n=name: self.refresh_models(n))
            box.save_key.clicked.connect(lambda _=False, n=name: self.save_key(n))
            box.test.clicked.connect(lambda _=False, n=name: self.test_provider(n))
            box.remove_key.clicked.connect(lambda _=False, n=name: self.remove_key(n))
            box.key.returnPressed.connect(lambda n=name: self.save_key(n))
            self.boxes[name] = box
            layout.addWidget(box)
        note = note_label("Keys are kept in the system keyring, never in settings files. "
                          f"{' and '.join(ps.KEY_ENV_NAMES)}, when set, are used instead.")
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _build_coach_page(self, settings: ps.CoachLLMSettings) -> QWidget:
        page = QWidget()
        self.coach_engine = QComboBox()
        for value, label in ps.COACH_ENGINES.items():
            extra = {"auto": " (the chat model of the image provider)", "offline": " (no AI)",
                     **dict.fromkeys(ps.LOCAL_CHAT_KINDS, " (local)")}.get(value, "")
            self.coach_engine.addItem(label + extra, value)
        self.coach_engine.setCurrentIndex(max(0, self.coach_engine.findData(settings.engine)))
        self.coach_model = QLineEdit(settings.model or "")
        # The server's own list (GET /models), cached with a time stamp: offered in a menu and
        # as completions; any id can still be typed.
        self._coach_model_list = QStringListModel(self)
        self.coach_model.setCompleter(QCompleter(self._coach_model_list, self.coach_model))
        self.coach_models = QToolButton()
        self.coach_models.setText("Models")
        self.coach_models.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.coach_models_menu = QMenu(self.coach_models)
        self.coach_models.setMenu(self.coach_models_menu)
        self.coach_base_url = QLineEdit(settings.base_url or "")
        self.coach_test = QPushButton("Test connection")
        self.coach_test.clicked.connect(self.test_coach)
        self.coach_result = QLabel()
        self.coach_result.setWordWrap(True)
        note = note_label("Gemini and OpenAI use the keys on the Image providers page. Ollama and LM Studio "
                          "run on this computer and need no key.")
        form = QFormLayout()
        form.addRow("Coach", self.coach_engine)
        coach_model_row = QHBoxLayout()
        coach_model_row.addWidget(self.coach_model, 1)
        coach_model_row.addWidget(self.coach_models)
        form.addRow("Model", coach_model_row)
        form.addRow("Address", self.coach_base_url)
        test_row = QHBoxLayout()
        test_row.addWidget(self.coach_test)
        test_row.addStretch(1)
        form.addRow("", test_row)
        form.addRow("", self.coach_result)
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addStretch(1)
        self.coach_engine.currentIndexChanged.connect(self._coach_engine_changed)
        self._coach_engine_changed()
        return page

    def _coach_engine_changed(self) -> None:
        engine = self.coach_engine.currentData()
        free = engine not in ("auto", "offline")
        self.coach_model.setEnabled(free)
        self.coach_models.setEnabled(free)
        self._fill_coach_models(self.setup.cached_chat_models(engine,
                                                      base_url=self.coach_base_url.text().strip() or None))
        self.coach_base_url.setEnabled(free)
        default_model = ps.CHAT_DEFAULT_MODELS.get(engine, "")
        self.coach_model.setPlaceholderText(default_model + " (default)" if default_model
                                            else "the model id the server lists" if free else "")
        url = ps.DEFAULT_BASE_URLS.get(engine)
        self.coach_base_url.setPlaceholderText(f"{url} (default)" if url else
                                               "http://host:port/v1" if engine == "custom" else "")
        self.coach_result.clear()

    # -- background work -------------------------------------------------------------------
    @property
    def pending(self) -> int:
        """Keyring or network calls under way."""
        return len(self._tasks)

    def _run(self, tag: str, fn: Callable[[], Any]) -> None:
        """Run ``fn()`` on the pool (worker helper); ``_on_<kind>(name, ok, value or one-line
        error)`` follows for a ``tag`` of ``kind:name``."""
        self._serial += 1
        key = f"{tag}#{self._serial}"
        self._tasks[key] = run_in_pool(lambda _ctx: fn(), pool=self.pool,
                                       on_result=lambda value: self._task_finished(key, True, value),
                                       on_error=lambda exc: self._task_finished(key, False, first_line(exc)))
        self._update_busy()

    def _task_finished(self, tag: str, ok: bool, value: object) -> None:
        if not shiboken6.isValid(self):
            return
        self._tasks.pop(tag, None)
        self._update_busy()
        kind, _, name = tag.rpartition("#")[0].partition(":")
        handler = getattr(self, f"_on_{kind}")
        handler(name, ok, value)
        if self._closing and not self._tasks:
            self._write_and_accept()

    def _update_busy(self) -> None:
        busy = bool(self._tasks)
        self.busy.setVisible(busy)
        self.busy_label.setVisible(busy)

    # -- keys ------------------------------------------------------------------------------
    def _load_state(self) -> dict[str, Any]:
        states = {name: self.setup.key_state(name) for name, _ in KEYED_PROVIDERS}
        return {"keys": states, "keyring": self.setup.keyring_message()}

    def _show_state(self, state: dict[str, Any]) -> None:
        for name, key in state.get("keys", {}).items():
            self.boxes[name].key_status.setText(key.text)
            self.boxes[name].remove_key.setEnabled(key.source in ("keyring", "memory"))
        message = state.get("keyring")
        self.keyring_banner.setText(message or "")
        self.keyring_banner.setVisible(bool(message))

    def _on_load(self, _name: str, ok: bool, value: object) -> None:
        if ok:
            self._show_state(state := cast(dict[str, Any], value))  # what _load_state returns
            for name, key in state.get("keys", {}).items():
                box = self.boxes[name]
                if key.source and (box.live is None or box.live.is_stale()):
                    self.refresh_models(name, quiet=True)
        else:
            self._error(f"Could not read the keyring: {value}")

    # -- live model lists -------------------------------------------------------------------
    def refresh_models(self, name: str, *, quiet: bool = False) -> None:
        """Ask provider ``name`` for its models (worker thread) with the typed or saved key and
        the typed address; the answer is cached and offered in the Model list."""
        box = self.boxes[name]
        key = box.key.text().strip() or None
        base_url = box.base_url.text().strip() or None
        if not quiet:
            box.show_result(True, "Asking for the model list…")
        self._run(f"listed:{name}", lambda: self.setup.refresh_image_models(name, api_key=key,
                                                                     base_url=base_url))

    def _on_listed(self, name: str, ok: bool, value: object) -> None:
        box = self.boxes[name]
        if not ok:
            box.show_result(False, f"Could not read the model list: {value}")
            return
        live = cast(ml.CachedModelList, value)  # what refresh_models' task returns
        box.set_models(live, box.model.currentText().strip())
        if box.result.text().startswith("Asking"):
            box.show_result(True, f"{len(live.models)} image models offered.")

    def save_key(self, name: str) -> None:
        """Store the key typed for ``name`` (worker thread), then clear the field."""
        box = self.boxes[name]
        key = box.key.text().strip()
        if not key:
            box.show_result(False, "Paste a key first.")
            return
        box.show_result(True, "Saving…")

        def work() -> dict[str, Any]:
            source = self.setup.save_api_key(name, key)
            state = self._load_state()
            state["saved"] = source.value
            state["default"] = self.setup.provider_settings().default_provider
            return state

        self._run(f"saved:{name}", work)

    def _on_saved(self, name: str, ok: bool, value: object) -> None:
        box = self.boxes[name]
        if not ok:
            box.show_result(False, str(value))
            self._closing = False
            return
        state = cast(dict[str, Any], value)  # what the save task returns
        box.key.clear()
        where = "in the system keyring" if state["saved"] == "keyring" else "for this run only"
        box.show_result(True, f"Key saved {where}.")
        if state.get("default") == name and self.default_provider.currentData() in ("", "offline"):
            self.default_provider.setCurrentIndex(self.default_provider.findData(name))
        self._show_state(state)
        self.settingsChanged.emit()
        if not self._closing:
            self.refresh_models(name, quiet=True)  # what can this key use?

    def remove_key(self, name: str) -> None:
        """Forget ``name``'s key in the keyring and in memory (worker thread)."""
        self.boxes[name].show_result(True, "Removing…")

        def work() -> dict[str, Any]:
            self.setup.remove_api_key(name)
            state = self._load_state()
            state["default"] = self.setup.provider_settings().default_provider
            return state

        self._run(f"removed:{name}", work)

    def _on_removed(self, name: str, ok: bool, value: object) -> None:
        box = self.boxes[name]
        if not ok:
            box.show_result(False, str(value))
            return
        state = cast(dict[str, Any], value)  # what the remove task returns
        box.show_result(True, "Key removed.")
        if state.get("default") is None and self.default_provider.currentData() == name:
            self.default_provider.setCurrentIndex(self.default_provider.findData(""))
        self._show_state(state)
        self.settingsChanged.emit()

    # -- connection tests ---------------------------------------------------------------------
    def test_provider(self, name: str) -> None:
        """Check ``name`` with the typed key (else the saved one), model and address."""
        box = self.boxes[name]
        key = box.key.text().strip() or None
        model = box.model.currentText().strip() or None
        base_url = box.base_url.text().strip() or None
        timeout = float(self.timeout.value())
        box.show_result(True, "Testing…")
        self._run(f"tested:{name}", lambda: self.setup.check_image_provider(
            name, api_key=key, model=model, base_url=base_url, read_timeout_s=timeout))

    def _on_tested(self, name: str, ok: bool, value: object) -> None:
        box = self.boxes[name]
        box.show_result(ok, str(value))
        url = box.base_url.text().strip() or self.setup.provider_settings().base_url_for(name)
        live = self.setup.cached_image_models(name, base_url=url)  # the test refreshed it
        if live is not None:
            box.set_models(live, box.model.currentText().strip())

    def test_coach(self) -> None:
        """Check the chosen coach model with one cheap call."""
        engine = self.coach_engine.currentData()
        model = self.coach_model.text().strip() or None
        base_url = self.coach_base_url.text().strip() or None
        self.coach_result.setStyleSheet(OK_STYLE)
        self.coach_result.setText("Testing…")
        self._run("coach:", lambda: self.setup.check_chat_provider(engine, model=model, base_url=base_url,
                                                           read_timeout_s=float(self.timeout.value())))

    def _on_coach(self, _name: str, ok: bool, value: object) -> None:
        self.coach_result.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.coach_result.setText(str(value))
        if ok and self.coach_models.isEnabled():
            self.refresh_coach_models()

    def refresh_coach_models(self) -> None:
        """Ask the coach's chat server for its models now (worker) and offer them."""
        engine = self.coach_engine.currentData()
        base_url = self.coach_base_url.text().strip() or None
        self._run("coachmodels:", lambda: self.setup.refresh_chat_models(engine, base_url=base_url))

    def _on_coachmodels(self, _name: str, ok: bool, value: object) -> None:
        if ok:
            models = [str(m) for m in cast(list[object], value)]  # refresh_chat_models' list
            self._fill_coach_models(models)
            self.coach_models.setToolTip(f"{len(models)} models listed by the server just now")
        else:
            self.coach_models.setToolTip(f"Could not list the models: {value}")

    def _fill_coach_models(self, models: list[str]) -> None:
        """Offer ``models`` (ids as the server lists them) in the Models menu and as completions."""
        self._coach_model_list.setStringList(models)
        menu = self.coach_models_menu
        menu.clear()
        menu.addAction("Refresh list").triggered.connect(lambda _=False: self.refresh_coach_models())
        menu.addSeparator()
        if not models:
            menu.addAction("No list yet: Refresh list or Test connection").setEnabled(False)
        for mid in models:
            menu.addAction(mid).triggered.connect(lambda _=False, m=mid: self.coach_model.setText(m))
        self.coach_models.setToolTip(f"{len(models)} models listed by the server" if models
                                     else "The models the chat server lists: Refresh list asks it")

    # -- saving ------------------------------------------------------------------------------
    def provider_settings(self) -> ps.ProviderSettings:
        """The Providers page as a ProviderSettings."""
        current = self.setup.provider_settings()
        models = dict(current.models)
        base_urls = dict(current.base_urls)
        for name, box in self.boxes.items():
            shown = box.model.currentText().strip()
            # An untouched default is not stored, so the default keeps following the live list.
            if box.stored_model or shown != self.setup.resolved_model(name):
                models[name] = shown
            url = box.base_url.text().strip()
            if url:
                base_urls[name] = url
            else:
                base_urls.pop(name, None)
        models = {k: v for k, v in models.items() if v}
        timeout = float(self.timeout.value())
        keep_default = current.read_timeout_s is None and timeout == DEFAULT_TIMEOUT_S
        return ps.ProviderSettings(default_provider=self.default_provider.currentData() or None, models=models,
                                   base_urls=base_urls, read_timeout_s=None if keep_default else timeout)

    def coach_settings(self) -> ps.CoachLLMSettings:
        """The Coach LLM page as a CoachLLMSettings."""
        return ps.CoachLLMSettings(engine=self.coach_engine.currentData(),
                                   model=self.coach_model.text().strip() or None,
                                   base_url=self.coach_base_url.text().strip() or None)

    def save(self) -> None:
        """Save keys still typed in (worker), then the settings; close when all is stored."""
        if self.sync_page.is_modified() and not self.sync_page.save():
            self.show_page("Sync")  # the panel shows which field is wrong
            return
        self._closing = True
        for name, box in self.boxes.items():
            if box.key.text().strip():
                self.save_key(name)
        if not self._tasks:
            self._write_and_accept()

    def _write_and_accept(self) -> None:
        self._closing = False
        try:
            self.setup.save_provider_settings(self.provider_settings())
            self.setup.save_coach_llm_settings(self.coach_settings())
            library_note = self.library_page.save()
        except (OSError, ValueError) as exc:
            self._error(f"Could not save the settings: {exc}")
            return
        self.settingsChanged.emit()
        if library_note:
            self._error(library_note)
            return
        self.accept()

    def _error(self, message: str) -> None:
        self.last_error = message
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(message)
