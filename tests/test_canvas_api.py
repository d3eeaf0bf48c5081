"""``calificar --canvas-api``: nota, comentario y retroalimentación adjunta por la API REST de Canvas.

Un servidor en 127.0.0.1 responde a los puntos de la API de Canvas que se usan, tal como los
documenta Canvas (Submissions API, Submission Comments API y la subida de archivos en tres pasos), y
registra cada petición: la orden real publica con canvasapi y la prueba mira lo que llegó.
"""
import email.parser
import email.policy
import http.server
import json
import re
import subprocess
import sys
import threading
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest

from lms_comun import MAL, RAIZ, TALLER, cuaderno, entorno_de_ordenes

TOKEN = "token-de-prueba"
CURSO, TAREA = 31, 222


class Canvas:
    """Estado del Canvas falso: entregas (nota y comentarios), archivos subidos y peticiones recibidas."""

    def __init__(self, usuarios):
        self.entregas = {u: {"grade": None, "comentarios": []} for u in usuarios}
        self.archivos, self.peticiones, self.cerrojo = {}, [], threading.Lock()


def _manejador(canvas):
    class Manejador(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _json(self, estado, datos, cabeceras=()):
            cuerpo = json.dumps(datos).encode()
            self.send_response(estado)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(cuerpo)))
            for k, v in cabeceras:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(cuerpo)

        def _cuerpo(self):
            return self.rfile.read(int(self.headers.get("Content-Length", 0)))

        def _atender(self, metodo):
            partes = urlsplit(self.path)
            cuerpo = self._cuerpo()
            with canvas.cerrojo:
                canvas.peticiones.append((metodo, partes.path, partes.query, cuerpo,
                                          self.headers.get("Authorization")))
                if partes.path.startswith("/api/v1/") and "/create_success" not in partes.path \
                        and self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._json(401, {"errors": [{"message": "Invalid access token."}]},
                                      [("WWW-Authenticate", 'Bearer realm="canvas-lms"')])
                return self._ruta(metodo, partes, cuerpo)

        def _entrega(self, usuario):
            e = canvas.entregas[usuario]
            return {"id": 9000 + usuario, "user_id": usuario, "assignment_id": TAREA, "grade": e["grade"],
                    "submission_comments": [
                        {"id": i, "comment": c["texto"], "author_id": 1,
                         "attachments": [{k: canvas.archivos[f][k] for k in ("id", "display_name", "size")}
                                         for f in c["archivos"]]}
                        for i, c in enumerate(e["comentarios"], 1)]}

        def _ruta(self, metodo, partes, cuerpo):
            base = f"/api/v1/courses/{CURSO}"
            tarea = f"{base}/assignments/{TAREA}"
            if metodo == "GET" and partes.path == base:
                return self._json(200, {"id": CURSO, "name": "Redes neuronales"})
            if metodo == "GET" and partes.path == tarea:
                return self._json(200, {"id": TAREA, "course_id": CURSO, "name": "Taller 4", "points_possible": 20.0})
            m = re.fullmatch(re.escape(tarea) + r"/submissions/(\d+)(/comments/files)?", partes.path)
            if m and int(m[1]) not in canvas.entregas:
                return self._json(404, {"errors": [{"message": "The specified resource does not exist."}]})
            if m and metodo == "GET" and not m[2]:
                return self._json(200, self._entrega(int(m[1])))
            if m and metodo == "POST" and m[2]:  # paso 1: avisar de la subida (nombre y tamaño)
                datos = parse_qs(cuerpo.decode())
                fid = 700 + len(canvas.archivos)
                canvas.archivos[fid] = {"id": fid, "display_name": datos["name"][0], "size": int(datos["size"][0]),
                                        "usuario": int(m[1]), "confirmado": False}
                return self._json(200, {"upload_url": f"http://127.0.0.1:{self.server.server_port}/subidas/{fid}",
                                        "upload_params": {"filename": datos["name"][0], "content_type": "text/html"}})
            m2 = re.fullmatch(r"/subidas/(\d+)", partes.path)
            if m2 and metodo == "POST":  # paso 2: el archivo, en multipart, con los upload_params
                mensaje = email.parser.BytesParser(policy=email.policy.default).parsebytes(
                    f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + cuerpo)
                campos = {p.get_param("name", header="content-disposition"): p.get_payload(decode=True)
                          for p in mensaje.iter_parts()}
                archivo = canvas.archivos[int(m2[1])]
                archivo["contenido"] = campos.pop("file")
                archivo["params"] = {k: v.decode() for k, v in campos.items()}
                self.send_response(303)  # paso 3: la redirección que confirma la subida
                self.send_header("Location", f"/api/v1/files/{m2[1]}/create_success?uuid=abc")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            m3 = re.fullmatch(r"/api/v1/files/(\d+)/create_success", partes.path)
            if m3 and metodo == "GET":
                archivo = canvas.archivos[int(m3[1])]
                archivo["confirmado"] = True
                return self._json(200, {"id": archivo["id"], "display_name": archivo["display_name"],
                                        "size": archivo["size"], "url": f"http://127.0.0.1/files/{archivo['id']}"})
            if m and metodo == "PUT":
                datos = parse_qs(cuerpo.decode())
                e = canvas.entregas[int(m[1])]
                if "submission[posted_grade]" in datos:
                    e["grade"] = datos["submission[posted_grade]"][0]
                if "comment[text_comment]" in datos or "comment[file_ids][]" in datos:
                    e["comentarios"].append({"texto": datos.get("comment[text_comment]", [""])[0],
                                             "archivos": [int(f) for f in datos.get("comment[file_ids][]", [])]})
                return self._json(200, self._entrega(int(m[1])))
            return self._json(404, {"errors": [{"message": "no existe"}]})

        def do_GET(self):
            self._atender("GET")

        def do_POST(self):
            self._atender("POST")

        def do_PUT(self):
            self._atender("PUT")

    return Manejador


@pytest.fixture()
def servidor():
    canvas = Canvas([5001, 5002])
    http_servidor = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _manejador(canvas))
    hilo = threading.Thread(target=http_servidor.serve_forever, daemon=True)
    hilo.start()
    canvas.url = f"http://127.0.0.1:{http_servidor.server_port}/courses/{CURSO}/assignments/{TAREA}"
    yield canvas
    http_servidor.shutdown()
    http_servidor.server_close()


def _calificar(entregas, salida, url, token=TOKEN):
    env = entorno_de_ordenes()
    env.pop("CANVAS_TOKEN", None)
    if token is not None:
        env["CANVAS_TOKEN"] = token
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida", str(salida),
             "--sin-gradebook", "--tiempo-max", "20", "--canvas-api", url]
    return subprocess.run(orden, cwd=RAIZ, env=env, capture_output=True, text=True, timeout=300)


def _descarga(carpeta):
    descarga = carpeta / "submissions.zip"
    with zipfile.ZipFile(descarga, "w") as z:
        z.writestr("lopezmaria_5001_90077_xor-retropropagacion.ipynb", cuaderno())
        z.writestr("nunezjose_LATE_5002_90010_taller4.ipynb", cuaderno(MAL))
        z.writestr("ajenopepe_7777_90030_xor.ipynb", cuaderno())  # no está en el curso: Canvas da 404
        z.writestr("LATE_anon_Xy7Kq_90070_taller.ipynb", cuaderno())  # calificación anónima
    return descarga


def test_publica_nota_comentario_y_archivo_y_repetir_no_duplica(tmp_path, servidor):
    descarga, salida = _descarga(tmp_path), tmp_path / "notas"
    r = _calificar(descarga, salida, servidor.url)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Canvas (Taller 4): 2 notas publicadas con su comentario y la retroalimentación adjunta." in r.stdout
    assert "7777 (Canvas no la encuentra" in r.stderr and "anon_Xy7Kq (calificación anónima" in r.stderr
    nombre = f"retroalimentacion-{TALLER.id}.html"
    for usuario, nota in ((5001, "20"), (5002, "8")):  # 10/10 y 4/10 en una tarea de 20 puntos
        entrega = servidor.entregas[usuario]
        assert entrega["grade"] == nota
        [comentario] = entrega["comentarios"]
        assert comentario["texto"].startswith(f"{TALLER.titulo}: {nota} de 20 puntos (calificación automática).")
        assert nombre in comentario["texto"]
        [fid] = comentario["archivos"]
        archivo = servidor.archivos[fid]
        assert archivo["confirmado"] and archivo["usuario"] == usuario and archivo["display_name"] == nombre
        enviado = (salida / "retroalimentacion" / f"{usuario}.html").read_bytes()
        assert archivo["contenido"] == enviado and archivo["size"] == len(enviado)
        assert archivo["params"] == {"filename": nombre, "content_type": "text/html"}
    subidas = [p for p in servidor.peticiones if p[1].startswith("/subidas/")]
    assert subidas and all(p[4] is None for p in subidas)  # el token no viaja al almacén de archivos

    antes = len(servidor.archivos)
    r = _calificar(descarga, salida, servidor.url)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "0 notas publicadas" in r.stdout and "2 ya estaban publicadas" in r.stdout
    assert len(servidor.archivos) == antes
    assert all(len(servidor.entregas[u]["comentarios"]) == 1 for u in (5001, 5002))


def test_sin_token_o_con_la_url_mal_no_se_califica_nada(tmp_path, servidor):
    entregas = tmp_path / "entregas"
    entregas.mkdir()
    (entregas / "lopezmaria_5001_90077_xor.ipynb").write_text(cuaderno(), encoding="utf-8")
    casos = [
        (servidor.url, None, "necesita tu token de acceso de Canvas en la variable de entorno CANVAS_TOKEN"),
        (servidor.url, "otro", "Canvas rechazó el token de CANVAS_TOKEN"),
        (f"http://127.0.0.1:{servidor.url.split(':')[2].split('/')[0]}/courses/{CURSO}/assignments/999", TOKEN,
         "no se pudo abrir la tarea 999 del curso 31"),
        ("https://canvas.miuni.es/courses/31", TOKEN, "no es la dirección de una tarea de Canvas"),
        ("http://127.0.0.1:9/courses/31/assignments/222", TOKEN, "no se pudo conectar con http://127.0.0.1:9"),
    ]
    for url, token, mensaje in casos:
        r = _calificar(entregas, tmp_path / "notas", url, token)
        assert r.returncode == 2 and mensaje in r.stderr, (url, token, r.stderr[-2000:])
        assert "No se ha calificado nada" in r.stderr or "no es la dirección" in r.stderr
        assert "Traceback" not in r.stderr and not (tmp_path / "notas").exists()
    assert not any(p[0] in ("PUT", "POST") for p in servidor.peticiones)
