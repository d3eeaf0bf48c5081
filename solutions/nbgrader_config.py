"""Configuración de nbgrader para los talleres del curso.

Esta carpeta (``solutions/``) es el directorio de curso de nbgrader:

    source/<taller>/<taller>.ipynb   cuadernos del profesor (los genera construccion/generar_cuadernos.py)
    release/, submitted/, autograded/, feedback/, gradebook.db
                                      carpetas de trabajo de nbgrader (nunca en git)

Los cuadernos del estudiante se publican en ``exercises/`` con ``make exercises``.
Las órdenes de nbgrader (y ``jupyter lab``, para formgrader) se ejecutan desde esta
carpeta con el entorno del curso activado (``source ../.venv/bin/activate``):
nbgrader llama a ``alembic``, que está en su ``bin/``, y las pruebas ocultas
importan ``solutions.verificacion``, que ``make entorno`` instala en ese entorno.

El intercambio (``release_assignment``, ``collect``, ``release_feedback`` y, del lado
del estudiante, ``fetch_assignment``, ``submit`` y ``fetch_feedback``) es una carpeta
que comparten el profesor y los estudiantes del JupyterHub: ``/srv/nbgrader/exchange``
(o la de la variable de entorno ``NBGRADER_EXCHANGE``), que el administrador crea una
vez, escribible por todos. Ver el README, «Devolver la retroalimentación con nbgrader».
"""
import os
import sys

c = get_config()  # noqa: F821 (nbgrader define get_config al cargar este fichero)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "redes-neuronales"

# Lo que ve el estudiante en lugar de cada solución.
c.ClearSolutions.code_stub = {"python": "# ESCRIBE TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ESCRIBE TU RESPUESTA AQUÍ"

# Segundos máximos por celda al validar y al autocalificar (el entrenamiento del XOR tarda ~1 s).
c.Execute.timeout = 120

# Intercambio de nbgrader: la carpeta compartida del JupyterHub (la misma en la configuración de los
# estudiantes, p. ej. /etc/jupyter/nbgrader_config.py). Sin ella, nbgrader usa
# /usr/local/share/nbgrader/exchange, que casi nunca existe, y falla en inglés («Unwritable directory»).
c.Exchange.root = os.environ.get("NBGRADER_EXCHANGE") or "/srv/nbgrader/exchange"

_ORDENES_DEL_INTERCAMBIO = {"release_assignment", "collect", "release_feedback", "list",
                            "fetch_assignment", "submit", "fetch_feedback"}
if sys.argv[1:2] and sys.argv[1] in _ORDENES_DEL_INTERCAMBIO \
        and not any(a.startswith("--Exchange.root") for a in sys.argv) \
        and not (os.path.isdir(c.Exchange.root) and os.access(c.Exchange.root, os.W_OK | os.X_OK)):
    print(f"Aviso: la carpeta del intercambio de nbgrader, {c.Exchange.root}, no existe o no puedes escribir en "
          "ella. Pide al administrador del JupyterHub que la cree una vez, compartida por todos:\n"
          f"    sudo mkdir -p {c.Exchange.root} && sudo chmod ugo+rwx {c.Exchange.root}\n"
          "o usa otra carpeta compartida con NBGRADER_EXCHANGE=/ruta/compartida (README, «Devolver la "
          "retroalimentación con nbgrader»).", file=sys.stderr)
