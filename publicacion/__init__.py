"""Edición pública del curso: lo que ven los estudiantes, sin soluciones ni pruebas ocultas.

Módulos:
    calendario   -- cuándo se publica cada taller y cuándo termina su plazo (``calendario.yml``).
    secciones    -- partes de un capítulo que se publican como solucionario al terminar un plazo.
    generar      -- escribe la edición pública en ``_publico/`` desde el último commit (``make publicar``).
    textos       -- lee cualquier fichero publicado, sea cual sea su codificación, y sus bloques de código.
    candidatos   -- ejecuta la edición y reúne todo lo que un estudiante puede llamar, con su origen.
    firmas       -- qué espera cada parámetro de una función pública, según cómo lo usa su código.
    sustitucion  -- busca un adaptador fino sobre el código público que supere las pruebas ocultas.
"""
