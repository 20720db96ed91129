from services.ops.cli import main

main()
