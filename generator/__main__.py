"""`python -m generator` is `policydocs`."""

import sys

from .cli import main

sys.exit(main())
