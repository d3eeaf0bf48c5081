"""Prueba de humo: el libro se construye sin avisos y en español."""
import re


def test_el_libro_se_construye_en_espanol(libro_html):
    assert (libro_html / "index.html").exists()
    intro = (libro_html / "book" / "intro.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*lang="es"', intro), "la página no declara lang=\"es\""
    assert "Entrenamiento de redes neuronales" in intro
