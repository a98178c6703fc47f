"""Where the open-data bulk files live: the "exports" storage of ``STORAGES`` (a folder or object storage)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import cached_property

EXPORTS = "exports"


class ExportFolderStorage(FileSystemStorage):
    """The one-machine "exports" storage: the folder ``OPENGPS_OPENDATA_EXPORT_DIR`` (default
    var/opendata), read when first used and again whenever the setting changes (as MEDIA_ROOT is for
    the default storage), so the setting stays the one place that names the folder."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        setting_changed.connect(self._folder_changed)

    @cached_property
    def base_location(self) -> str:
        return str(getattr(settings, "OPENGPS_OPENDATA_EXPORT_DIR", Path(settings.VAR_DIR) / "opendata"))

    def _folder_changed(self, *, setting: str, **kwargs: Any) -> None:
        if setting == "OPENGPS_OPENDATA_EXPORT_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def exports_storage() -> Storage:
    return storages[EXPORTS]
