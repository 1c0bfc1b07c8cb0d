"""Brand kit widgets: the BrandKitsDialog editor and the toolbar's ActiveBrandKitCombo."""

from .combo import ActiveBrandKitCombo
from .dialog import BrandKitsDialog

__all__ = ["ActiveBrandKitCombo", "BrandKitsDialog"]
