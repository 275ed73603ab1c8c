from geom.cli import main

raise SystemExit(main())
