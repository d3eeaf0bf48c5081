"""Qué dice la retroalimentación de un caso que no terminó a tiempo o que no llegó a ejecutarse.

Un caso que agota su plazo (``tiempo_celda``) casi siempre es un bucle que no acaba: se dice así,
con el límite real. Cuando se acaba el tiempo total de la entrega (``tiempo_total``), del caso que
estaba en marcha se dice que no llegó a terminar por eso, y de los que quedaban, que no se
ejecutaron porque lo anterior agotó el tiempo: no que «superaron el tiempo máximo». Todo lo
decide el calificador (``aislamiento.Sesion``), nunca el proceso aislado.
"""

from solutions import retroalimentacion as textos

TOTAL = "superó el tiempo total por entrega"  # así empieza el motivo de la caída (``Sesion._caida``)


def saltados(orden, respuestas, hubo_caidas):
    """Casos que el proceso aislado no ejecutó porque antes otro de la misma función no terminó.

    El proceso aislado no vuelve a esperar por una función que ya agotó un plazo (``corredor._Fases``):
    responde «tiempo» a sus casos siguientes sin ejecutarlos. ``orden`` es {función: [id de sus casos,
    en el orden en que se ejecutan]}: los ocultos y después las pruebas públicas. Si el proceso se
    relanzó alguna vez, cada proceso nuevo vuelve a ejecutar sus casos, así que no se marca ninguno.
    """
    if hubo_caidas:
        return frozenset()
    fuera = set()
    for ids in orden.values():
        visto = False
        for id_ in ids:
            respuesta = respuestas.get(id_) or {}
            if respuesta.get("tiempo") and not respuesta.get("caida"):
                if visto:
                    fuera.add(id_)
                visto = True
    return frozenset(fuera)


def sin_terminar(respuesta, tiempo_max, tiempo_total, saltado=False):
    """Problema de un caso (o de las pruebas públicas) que no terminó; ``None`` si no es el caso.

    El texto (``solutions.retroalimentacion``) es el mismo para las pruebas públicas y los ocultos: así la página
    los agrupa y lo dice una vez. ``saltado``: no se ejecutó (ver ``saltados``).
    """
    if respuesta.get("tiempo") and saltado:
        return textos.saltado_por_tiempo(tiempo_max)
    if str(respuesta.get("caida") or "").startswith(TOTAL):
        return textos.interrumpido_por_total(tiempo_total)
    if respuesta.get("tiempo"):
        return textos.no_termino(tiempo_max)
    return None


def sin_ejecutar(tiempo_total):
    """Problema de un caso que no se ejecutó porque antes se acabó el tiempo total de la entrega."""
    return textos.sin_ejecutar_por_total(tiempo_total)
