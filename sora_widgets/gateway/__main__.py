"""``python -m sora_widgets.gateway serve ...``: the same as ``sora-widgets gateway ...``."""

import sys

from .cli import main

sys.exit(main())
