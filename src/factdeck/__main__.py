from factdeck.entry import main

main()
