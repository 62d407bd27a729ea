from warmwinter.cli import main

main()
