"""Seams of the health data map that higher apps plug into (docs/architecture.md, "Layers").

`dataset_page_sections` is sent by the dataset page with `sender=Dataset, dataset=…,
request=…`. Each receiver returns a section to show on the page or None: a dict
`{"template": "<template name>", "context": {...}, "order": int}`; the page renders the sections
in `order`. The broker answers with the approved uses of the dataset, for example.
"""

from django.dispatch import Signal

dataset_page_sections = Signal()
