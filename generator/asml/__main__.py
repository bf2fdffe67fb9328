from asml.cli import main

main()
