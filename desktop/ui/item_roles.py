"""Qt's item data roles as plain ints, for models' data().

A view asks data() several roles of every cell it paints, and data() compares the role it is asked against
several: reaching a PySide enum member (`Qt.ItemDataRole.DisplayRole`) costs about 0.47 us each time,
comparing with an int about 0.07 us. PySide passes the role in as an int; an enum member passed by Python
code still compares equal (the roles are an IntEnum).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

DISPLAY = int(Qt.ItemDataRole.DisplayRole)
ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
BACKGROUND = int(Qt.ItemDataRole.BackgroundRole)
FONT = int(Qt.ItemDataRole.FontRole)
TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
CHECK_STATE = int(Qt.ItemDataRole.CheckStateRole)
