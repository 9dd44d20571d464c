from factdeck.cli import main

main()
