import sys

from spinscope.cli import main

sys.exit(main())
