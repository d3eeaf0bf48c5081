"""Canvas por su API REST (``calificar --canvas-api URL``): nota, comentario y retroalimentación adjunta.

``URL`` es la dirección de la tarea tal como se ve en el navegador
(``https://canvas.miuni.es/courses/123/assignments/456``); el token de acceso, la variable de
entorno ``CANVAS_TOKEN``. Antes de calificar se comprueban la dirección, el token y la tarea (si algo
falla no se califica nada). Después, por cada entrega con usuario de Canvas, con ``canvasapi``:

1. ``GET …/submissions/:usuario?include[]=submission_comments``: si ya tiene este mismo comentario (con
   un archivo adjunto) de una ejecución anterior, solo se vuelve a poner la nota: repetir no duplica nada;
2. la subida del archivo en tres pasos (``POST …/submissions/:usuario/comments/files`` con nombre y
   tamaño; ``POST`` del archivo a la ``upload_url`` con sus ``upload_params``; la redirección que
   confirma la subida devuelve el id del archivo);
3. ``PUT …/submissions/:usuario`` con ``submission[posted_grade]``, ``comment[text_comment]`` y
   ``comment[file_ids][]``: la nota y un solo comentario con el archivo adjunto.

canvasapi solo se importa con ``--canvas-api``.
"""
import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from .canvas import _formato

VARIABLE_TOKEN = "CANVAS_TOKEN"
_TAREA = re.compile(r"^(?P<base>https?://[^/?#\s]+(?:/[^?#\s]*?)?)/courses/(?P<curso>\d+)/assignments/(?P<tarea>\d+)"
                    r"/?(?:[?#].*)?$")
EJEMPLO = "https://canvas.miuni.es/courses/123/assignments/456"
NO_SE_PUBLICAN = ("sin_entrega", "sospechosa")


class CanvasApiInvalida(Exception):
    """La dirección, el token o la tarea de ``--canvas-api`` no sirven (mensaje en español)."""


def leer_url(url):
    """(dirección base de Canvas, id del curso, id de la tarea) de la URL de la tarea, o ``CanvasApiInvalida``."""
    coincide = _TAREA.match(url.strip())
    if not coincide:
        raise CanvasApiInvalida(f"«{url}» no es la dirección de una tarea de Canvas. Abre la tarea en el navegador "
                                f"y copia su dirección, que tiene esta forma: {EJEMPLO}")
    return coincide["base"].rstrip("/"), int(coincide["curso"]), int(coincide["tarea"])


def _motivo(error, base):
    """Un error de canvasapi o de la red, explicado en español."""
    from canvasapi import exceptions
    from requests import RequestException

    if isinstance(error, (exceptions.InvalidAccessToken, exceptions.Unauthorized)):
        return (f"Canvas rechazó el token de {VARIABLE_TOKEN}: ha caducado, está mal copiado o es de otra "
                "instancia. Crea uno en Canvas («Cuenta» → «Configuración» → «Nuevo token de acceso»)")
    if isinstance(error, exceptions.Forbidden):
        return "tu usuario de Canvas no tiene permiso para calificar esta tarea"
    if isinstance(error, exceptions.ResourceDoesNotExist):
        return "Canvas no la encuentra (no existe o tu usuario no la ve)"
    if isinstance(error, RequestException):
        return f"no se pudo conectar con {base} ({type(error).__name__})"
    return f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"


class Publicador:
    """Publica notas y retroalimentación en una tarea de Canvas."""

    def __init__(self, tarea, base):
        self.tarea, self.base = tarea, base

    @classmethod
    def conectar(cls, url, entorno=os.environ):
        """Comprueba URL, token y tarea antes de calificar; lanza ``CanvasApiInvalida``."""
        base, curso_id, tarea_id = leer_url(url)
        token = entorno.get(VARIABLE_TOKEN, "").strip()
        if not token:
            raise CanvasApiInvalida(f"--canvas-api necesita tu token de acceso de Canvas en la variable de entorno "
                                    f"{VARIABLE_TOKEN}. Créalo en Canvas («Cuenta» → «Configuración» → «Nuevo "
                                    f"token de acceso») y ejecuta antes: export {VARIABLE_TOKEN}='el token'. "
                                    "No se ha calificado nada.")
        from canvasapi import Canvas

        try:
            with warnings.catch_warnings():  # canvasapi avisa en inglés de http://; el aviso va abajo, en español
                warnings.simplefilter("ignore")
                canvas = Canvas(base, token)
            tarea = canvas.get_course(curso_id).get_assignment(tarea_id)
        except Exception as error:
            raise CanvasApiInvalida(f"no se pudo abrir la tarea {tarea_id} del curso {curso_id} en {base}: "
                                    f"{_motivo(error, base)}. Comprueba la dirección de --canvas-api (p. ej. "
                                    f"{EJEMPLO}) y el token. No se ha calificado nada.") from None
        return cls(tarea, base)

    def _comentario(self, taller, nota, posibles, nombre):
        return (f"{taller.titulo}: {nota} de {posibles} puntos (calificación automática). La retroalimentación "
                f"detallada, función por función, está en el archivo adjunto {nombre}.")

    def publicar(self, resultados, taller, salida):
        """Publica cada entrega; devuelve (líneas para el profesor, avisos)."""
        from canvasapi.upload import Uploader

        posibles = self.tarea.points_possible or taller.puntos_max
        nombre = f"retroalimentacion-{taller.id}.html"
        publicadas, repetidas, omitidas, fallos = [], [], {}, {}
        temporal = Path(tempfile.mkdtemp(prefix="canvas-api-"))
        try:
            for r in resultados:
                usuario = r["estudiante"]
                if r["estado"] in NO_SE_PUBLICAN:
                    if r["estado"] == "sospechosa":
                        omitidas[usuario] = "sospechosa: revísala a mano"
                    continue
                if not usuario.isdigit():
                    omitidas[usuario] = ("calificación anónima: Canvas no da su usuario" if usuario.startswith("anon_")
                                         else "no es un usuario de Canvas")
                    continue
                retro = Path(salida) / "retroalimentacion" / f"{usuario}.html"
                if not retro.is_file():
                    omitidas[usuario] = "no tiene página de retroalimentación"
                    continue
                nota = _formato(r["puntos"] / r["puntos_max"] * posibles)
                texto = self._comentario(taller, nota, _formato(posibles), nombre)
                try:
                    entrega = self.tarea.get_submission(int(usuario), include=["submission_comments"])
                    # El mismo texto (nota y nombre del archivo) con un archivo adjunto: ya se publicó. Canvas
                    # puede renombrar el archivo («-1»), así que no se compara su nombre.
                    ya = any(c.get("comment", "").strip() == texto and c.get("attachments")
                             for c in getattr(entrega, "submission_comments", None) or [])
                    if ya:
                        entrega.edit(submission={"posted_grade": nota})
                        repetidas.append(usuario)
                        continue
                    copia = temporal / usuario / nombre
                    copia.parent.mkdir()
                    shutil.copyfile(retro, copia)
                    ruta = (f"courses/{self.tarea.course_id}/assignments/{self.tarea.id}/submissions/{usuario}"
                            "/comments/files")
                    subido, archivo = Uploader(entrega._requester, ruta, str(copia)).start()
                    if not subido or "id" not in archivo:
                        raise RuntimeError("Canvas no confirmó la subida del archivo")
                    entrega.edit(submission={"posted_grade": nota},
                                 comment={"text_comment": texto, "file_ids": [archivo["id"]]})
                    publicadas.append(usuario)
                except Exception as error:  # una entrega no detiene las demás; repetir la orden la completa
                    fallos[usuario] = _motivo(error, self.base)
        finally:
            shutil.rmtree(temporal, ignore_errors=True)
        lineas = [f"Canvas ({self.tarea.name}): {len(publicadas)} notas publicadas con su comentario y la "
                  f"retroalimentación adjunta" + (f"; {len(repetidas)} ya estaban publicadas (solo se repuso la "
                                                   "nota, sin repetir el comentario)" if repetidas else "") + "."]
        avisos = []
        if self.base.startswith("http://") and not re.match(r"http://(127\.|localhost[:/]|\[::1\])", self.base):
            avisos.append(f"Aviso: {self.base} usa http://, sin cifrar: el token viaja a la vista. Usa https://.")
        if omitidas:
            avisos.append(f"Aviso: {len(omitidas)} entregas no se publicaron en Canvas: "
                          + "; ".join(f"{u} ({m})" for u, m in sorted(omitidas.items())[:20]) + ".")
        if fallos:
            avisos.append(f"Aviso: {len(fallos)} entregas no se pudieron publicar en Canvas: "
                          + "; ".join(f"{u} ({m})" for u, m in sorted(fallos.items())[:20])
                          + ". Repite la misma orden: las ya publicadas no se duplican.")
        return lineas, avisos
