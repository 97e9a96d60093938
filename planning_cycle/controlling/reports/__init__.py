"""Reports of the controlling: the goal review report (Zielbilanz) and the catalog, PDF and XLSX."""
