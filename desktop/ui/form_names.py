"""Fields of a form named for screen readers by the labels beside them.

A label is its field's "buddy" in a QFormLayout, which Linux's accessibility reports as a relation; the
field's own name is what other systems read first, and Qt gives a combo box none but its current text
("crosses above", not "When the value"). Each labelled field without a name of its own takes its label's
text.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel


def name_fields_by_labels(form: QFormLayout) -> None:
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None:
            continue
        text, widget = label.widget(), field.widget()
        if isinstance(text, QLabel) and widget is not None and text.text() and not widget.accessibleName():
            widget.setAccessibleName(text.text().replace("&", ""))
