"""Jiebang: the 揭榜挂帅 reform-project loop platform."""
