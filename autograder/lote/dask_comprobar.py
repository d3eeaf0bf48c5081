"""Comprobaciones del clúster de Dask antes y después de calificar (``calificar --dask``).

Dask envía cada tarea como un objeto serializado que el planificador y los trabajadores abren
importando el calificador: si se arrancaron fuera del entorno del curso (que ``make entorno``
instala en modo editable), no pueden. Aquí se prueba eso con una tarea de sonda antes de enviar
ninguna entrega, y se redacta el error de un lote en el que el clúster dejó entregas sin calificar:
un fallo del clúster nunca se convierte en una nota ni en una página de retroalimentación.
"""
import uuid

PLAZO_SONDA = 60  # segundos para que la tarea de sonda vaya y vuelva

COMO_ARRANCAR = ("Arranca el planificador y los trabajadores con el `dask` del entorno del curso, en el que "
                 "`make entorno` instala este repositorio (p. ej. `.venv/bin/dask scheduler` y "
                 "`.venv/bin/dask worker DIRECCION`, desde cualquier carpeta y sin PYTHONPATH).")


def sonda():
    """Tarea vacía: abrirla obliga al planificador y al trabajador a importar el calificador."""
    return "ok"


def _detalle(error):
    texto = " ".join(str(error).split())
    return f"{type(error).__name__}: {texto[:300]}" if texto else type(error).__name__


def problema_de_importacion(cliente):
    """``None`` si el planificador y un trabajador abren una tarea del calificador; si no, el motivo."""
    try:
        futuro = cliente.submit(sonda, pure=False, key=f"sonda-{uuid.uuid4().hex}")
        respuesta = futuro.result(timeout=PLAZO_SONDA)
    except Exception as error:  # el planificador no pudo abrir la tarea, o el trabajador no pudo
        return (f"el clúster de Dask no puede cargar el calificador del curso ({_detalle(error)}). "
                + COMO_ARRANCAR)
    return None if respuesta == "ok" else f"la tarea de prueba devolvió «{respuesta}». " + COMO_ARRANCAR


def problema_de_trabajadores(error):
    """Motivo (en español) cuando la comprobación de los trabajadores ni siquiera se pudo ejecutar."""
    return (f"hay trabajadores de Dask que no pueden cargar el calificador del curso ({_detalle(error)}). "
            + COMO_ARRANCAR)


def sin_calificar(fallos, cache):
    """Mensaje final de un lote con entregas que el clúster no calificó: ``fallos`` es {estudiante: error}."""
    ids = sorted(fallos)
    lista = ", ".join(ids[:10]) + (f" y {len(ids) - 10} más" if len(ids) > 10 else "")
    motivos = sorted({_detalle(e) for e in fallos.values()})
    return (f"{len(ids)} entregas no se pudieron calificar en el clúster de Dask ({lista}; "
            f"motivo: {'; '.join(motivos[:3])}). No se ha escrito su nota ni su retroalimentación, ni las "
            f"calificaciones de la clase. Las entregas ya calificadas están guardadas en {cache}: repite la "
            "orden para calificar solo las que faltan, o repítela sin --dask para calificarlas en local.")
