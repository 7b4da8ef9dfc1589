from trialmatch.cli import main

main()
