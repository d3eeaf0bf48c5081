"""Qué dice la retroalimentación de un caso que no terminó a tiempo o que no llegó a ejecutarse.

Un caso que agota su plazo (``tiempo_celda``) casi siempre es un bucle que no acaba: se dice así,
con el límite real. Cuando se acaba el tiempo total de la entrega (``tiempo_total``), del caso que
estaba en marcha se dice que no llegó a terminar por eso, y de los que quedaban, que no se
ejecutaron porque lo anterior agotó el tiempo: no que «superaron el tiempo máximo». Todo lo
decide el calificador (``aislamiento.Sesion``), nunca el proceso aislado.
"""

BUCLE = "¿hay un bucle cuya condición nunca cambia?"
TOTAL = "superó el tiempo total por entrega"  # así empieza el motivo de la caída (``Sesion._caida``)


def sin_terminar(respuesta, tiempo_max, tiempo_total):
    """Problema de un caso (o de las pruebas públicas) que no terminó; ``None`` si no es el caso.

    El texto es el mismo para las pruebas públicas y para los casos ocultos: así la retroalimentación
    los agrupa y lo dice una vez.
    """
    if str(respuesta.get("caida") or "").startswith(TOTAL):
        return (f"no llegó a terminar: mientras se ejecutaba se acabó el tiempo total de la entrega "
                f"({tiempo_total:g} s).")
    if respuesta.get("tiempo"):
        return f"la función no terminó en {tiempo_max:g} s: {BUCLE}"
    return None


def sin_ejecutar(tiempo_total):
    """Problema de un caso que no se ejecutó porque antes se acabó el tiempo total de la entrega."""
    return f"no se llegó a ejecutar: lo anterior agotó el tiempo total de la entrega ({tiempo_total:g} s)."
