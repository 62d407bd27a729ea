#!/usr/bin/env python
from warmwinter.cli import main

if __name__ == "__main__":
    main()
