"""One QAbstractTableModel per table. Models own no widgets; they read through a Repository on the
background Runner and expose COL_* constants for the views."""
