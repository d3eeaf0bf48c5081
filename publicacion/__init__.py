"""Edición pública del curso: lo que ven los estudiantes, sin soluciones ni pruebas ocultas.

Módulos:
    calendario   -- qué talleres se publican y cuándo (``calendario.yml``).
    generar      -- escribe la edición pública en ``_publico/`` (``make publicar``).
    sustitucion  -- comprueba que nada de la edición pública supera las pruebas ocultas.
"""
