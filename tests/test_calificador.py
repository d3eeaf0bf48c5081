"""Calificador automático: una clase con entregas hostiles calificada en un solo lote.

Cada entrega hostil se construye a partir del cuaderno real del estudiante
(``exercises/xor-retropropagacion``) y se califica con la orden real
(``python -m autograder calificar``) junto a entregas normales. En todas las
pruebas se comprueba que el lote termina, que las demás entregas se califican
como siempre y que nada de ENTREGAS cambia (sumas de comprobación).
"""
import copy
import csv
import hashlib
import inspect
import json
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograder.banco import velocidad as banco
from autograder.salidas import libro_notas
from autograder.banco import muestras
from conftest import RAIZ, entorno_de_ordenes
from solutions import xor
from solutions.talleres import TALLERES

# nbgrader (al importarse) avisa de usos obsoletos de SQLAlchemy que no son nuestros.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TALLER = TALLERES["xor-retropropagacion"]
CUADERNO = RAIZ / "exercises" / TALLER.id / TALLER.cuaderno
BIEN = {"backProp": inspect.getsource(xor.backProp), "entrenarRed": inspect.getsource(xor.entrenarRed)}
MAL_BACKPROP = muestras.codigo("backProp_sin_promedio")


def base():
    return json.loads(CUADERNO.read_text(encoding="utf-8"))


def celda(codigo, **nbgrader):
    meta = {"nbgrader": nbgrader} if nbgrader else {}
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": codigo}


def entrega(soluciones=None, antes=(), despues=(), nb=None):
    """Cuaderno del estudiante con ``soluciones`` y celdas nuevas antes de la primera solución o al final."""
    nb = muestras.rellenar(nb or base(), BIEN if soluciones is None else soluciones)
    primera = next(i for i, c in enumerate(nb["cells"])
                   if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("solucion_"))
    nb["cells"][primera:primera] = [celda(c) for c in antes]
    nb["cells"] += [celda(c) for c in despues]
    return nb


def exige(prefijo, comprobacion):
    """Entrega correcta que ejecuta ``prefijo`` al cargarse y cuyo backProp falla si no se cumple ``comprobacion``.

    Así una trampa del sistema que funcione (crear procesos, usar la red…) cuesta los puntos de backProp.
    """
    codigo = BIEN["backProp"].replace("    m = X.shape[1]\n", f"    {comprobacion}\n    m = X.shape[1]\n", 1)
    assert codigo != BIEN["backProp"], "La referencia de backProp ya no tiene la línea «m = X.shape[1]»."
    return entrega({"backProp": prefijo + codigo, "entrenarRed": BIEN["entrenarRed"]})


def es_prueba(c):
    return c["metadata"].get("nbgrader", {}).get("grade_id", "").endswith("_pruebas")


def sumas(carpeta):
    """Suma de comprobación de cada fichero (de un enlace simbólico, su destino: no se sigue)."""
    return {str(p.relative_to(carpeta)): str(p.readlink()) if p.is_symlink()
            else hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(carpeta).rglob("*")) if p.is_symlink() or p.is_file()}


def calificar_taller(taller_id, entregas, salida, *extra, timeout=240):
    """``python -m autograder calificar`` de verdad, en un proceso aparte."""
    orden = [sys.executable, "-m", "autograder", "calificar", taller_id, str(entregas), "--salida", str(salida),
             *extra]
    return subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True,
                          timeout=timeout)


def calificar(entregas, salida, curso, *extra, timeout=240):
    return calificar_taller(TALLER.id, entregas, salida, "--curso", str(curso), *extra, timeout=timeout)


def leer_csv(ruta):
    with open(ruta, encoding="utf-8") as f:
        return {fila["estudiante"]: fila for fila in csv.DictReader(f)}


def guardar(nb, ruta):
    ruta.parent.mkdir(parents=True, exist_ok=True)
    texto = nb if isinstance(nb, str) else json.dumps(nb, ensure_ascii=False, indent=1)
    ruta.write_text(texto, encoding="utf-8")


@pytest.fixture(scope="module")
def curso(tmp_path_factory):
    """Copia temporal del curso nbgrader con el taller ya registrado en su gradebook."""
    copia = banco.copiar_curso(RAIZ / "solutions", tmp_path_factory.mktemp("curso"))
    libro_notas.asegurar_taller(copia, TALLER)
    return copia


def _hostiles(carpeta, curso):
    """Escribe la clase hostil en ``carpeta``; devuelve {estudiante: (puntos, estado)} esperados."""
    esperado = {}

    def flat(nombre, nb, puntos, estado="ok"):
        guardar(nb, carpeta / f"{nombre}.ipynb")
        esperado[nombre] = (puntos, estado)

    # Normales.
    flat("normal_bien", entrega(), 10)
    flat("normal_vacia", base(), 0)
    flat("normal_mitad", entrega({"backProp": BIEN["backProp"],
                                  "entrenarRed": muestras.codigo("entrenarRed_costo_tarde")}), 6)
    # Ficheros que no son un cuaderno válido.
    flat("json_invalido", '{"cells": [', 0, "error")
    flat("fichero_vacio", "", 0, "error")
    flat("no_es_cuaderno", '{"hola": [1, 2, 3]}', 0, "error")
    v3 = {"nbformat": 3, "nbformat_minor": 0, "metadata": {"name": ""}, "worksheets": [{"cells": [
        {"cell_type": "code", "language": "python", "input": "import numpy as np", "outputs": []},
        *({"cell_type": "code", "language": "python", "input": BIEN[f], "outputs": []} for f in BIEN)]}]}
    flat("version3", v3, 10)
    # Disposiciones: cuaderno renombrado, dos cuadernos, Moodle, nbgrader, carpeta sin cuaderno.
    guardar(entrega(), carpeta / "renombrado" / "mi entrega final (2).ipynb")
    esperado["renombrado"] = (10, "ok")
    guardar(base(), carpeta / "dos_cuadernos" / "borrador.ipynb")
    guardar(entrega(), carpeta / "dos_cuadernos" / TALLER.cuaderno)
    esperado["dos_cuadernos"] = (10, "ok")
    guardar(entrega(), carpeta / "Ana Pérez_123456_assignsubmission_file_" / "xor.ipynb")
    esperado["123456"] = (10, "ok")
    (carpeta / "Luis Gómez_555_assignsubmission_file_").mkdir()  # Moodle: el estudiante subió un .zip
    with zipfile.ZipFile(carpeta / "Luis Gómez_555_assignsubmission_file_" / "entrega.zip", "w") as z:
        z.writestr("taller/mi_taller.ipynb", json.dumps(entrega()))
    esperado["555"] = (10, "ok")
    guardar(entrega(), carpeta / "luis" / TALLER.id / TALLER.cuaderno)
    esperado["luis"] = (10, "ok")
    (carpeta / "enlace").mkdir()  # enlaces simbólicos a los cuadernos del profesor: se ignoran
    fuente_profesor = RAIZ / "solutions" / "source" / TALLER.id / TALLER.cuaderno
    (carpeta / "enlace" / TALLER.cuaderno).symlink_to(fuente_profesor)
    (carpeta / "enlace_plano.ipynb").symlink_to(fuente_profesor)
    esperado["enlace"] = (0, "sin_entrega")
    (carpeta / "sin_nada").mkdir()
    (carpeta / "sin_nada" / "leeme.txt").write_text("olvidé subir el cuaderno")
    esperado["sin_nada"] = (0, "sin_entrega")
    # Celdas de prueba borradas, reordenadas, editadas, grade_id cambiados: valen las del calificador.
    nb = entrega()
    nb["cells"] = [c for c in nb["cells"] if not es_prueba(c)]
    flat("pruebas_borradas", nb, 10)
    nb = entrega({"backProp": MAL_BACKPROP, "entrenarRed": BIEN["entrenarRed"]})
    pruebas = [c for c in nb["cells"] if es_prueba(c)]
    for c in pruebas:
        c["source"] = "assert True  # editada por el estudiante"
        c["metadata"]["nbgrader"]["grade_id"] = "otra_cosa"
        c["metadata"]["nbgrader"]["points"] = 100
    nb["cells"] = pruebas[::-1] + [c for c in nb["cells"] if not es_prueba(c)]
    flat("pruebas_editadas", nb, 4)
    nb = entrega()
    nb["cells"] = [celda("print('sin metadatos')")] + nb["cells"] + [copy.deepcopy(c) for c in nb["cells"]
                                                                    if es_prueba(c)]
    for c in nb["cells"]:
        if c["metadata"].get("nbgrader"):
            c["metadata"]["nbgrader"]["schema_version"] = 99
    for gid in ("dado_funciones", "solucion_backProp"):
        duplicada = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == gid)
        nb["cells"].append(copy.deepcopy(duplicada))
    flat("duplicada_schema99", nb, 10)
    nb = entrega()
    for i, c in enumerate(nb["cells"]):
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "solucion_backProp":
            c["metadata"]["nbgrader"]["grade_id"] = ["no", "es", "texto"]
        elif c["metadata"].get("nbgrader", {}).get("grade_id") == "solucion_entrenarRed":
            c["metadata"] = "metadatos rotos"
        elif c["cell_type"] == "markdown":
            nb["cells"][i] = {"cell_type": "markdown", "source": 42, "metadata": {"nbgrader": [1, 2]}}
    nb["cells"].append(["ni", "siquiera", "un", "diccionario"])
    flat("metadatos_raros", nb, 10)
    # Procesos hostiles.
    flat("bucle_celda", entrega(despues=["while True:\n    pass"]), 10, "tiempo_agotado")
    flat("bucle_resistente", entrega(despues=[
        "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"]),
        10, "tiempo_agotado")
    flat("bucle_funcion", entrega({"backProp": "def backProp(*args):\n    while True:\n        pass\n",
                                   "entrenarRed": BIEN["entrenarRed"]}), 4, "tiempo_agotado")
    flat("sys_exit", entrega(antes=["import sys\nsys.exit(3)"]), 10)
    flat("os_exit", entrega(antes=["import os\nos._exit(0)"]), 10, "error")
    flat("se_mata", entrega(antes=["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"]), 10, "error")
    flat("mata_al_padre", entrega(antes=["import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
                                         "except OSError:\n    pass"]), 10)
    bifurca = ("import os, subprocess\ntry:\n    if os.fork() == 0:\n        os._exit(0)\n    _procesos = True\n"
               "except OSError:\n    _procesos = False\ntry:\n    subprocess.Popen(['sleep', '600'])\n"
               "    _procesos = True\nexcept OSError:\n    pass\n")
    flat("crea_procesos", exige(bifurca, "assert not _procesos, 'pudo crear procesos'"), 10)
    servidor = socket.socket()
    servidor.bind(("127.0.0.1", 0))
    servidor.listen()
    red = ("import socket\n_red = False\ntry:\n    socket.create_connection(('127.0.0.1', %d), timeout=2).close()\n"
           "    _red = True\nexcept OSError:\n    pass\ntry:\n"
           "    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1', %d))\n"
           "    _red = True\nexcept OSError:\n    pass\n") % (servidor.getsockname()[1], servidor.getsockname()[1])
    flat("usa_la_red", exige(red, "assert not _red, 'pudo conectarse'"), 10)
    esperado["_servidor"] = servidor
    sistema = ("import os\n_visto = []\nfor _ruta in ('/etc/passwd', '/etc/shadow', '/proc/1/environ', "
               "'/root/.bashrc', '/home'):\n    try:\n        open(_ruta).read() if not os.path.isdir(_ruta) "
               "else os.listdir(_ruta)\n        _visto.append(_ruta)\n    except OSError:\n        pass\n")
    flat("lee_el_sistema", exige(sistema, "assert not _visto, _visto"), 10)
    flat("salida_enorme", entrega(despues=["for i in range(200000):\n    print('x' * 500)",
                                           "import os\nos.write(1, b'y' * (80 * 1024 ** 2))"]), 10)
    flat("memoria", entrega(antes=["reserva = bytearray(6 * 1024 ** 3)", "import numpy as np\n"
                                   "grande = np.ones((3 * 1024 ** 3,))"]), 10)
    flat("stderr_y_html", entrega({"backProp": BIEN["backProp"].replace(
        '    m = X.shape[1]\n',
        '    import sys, warnings\n    warnings.warn("overflow encountered in exp", RuntimeWarning)\n'
        '    sys.stderr.write("100%|##########| 5000/5000 [00:01<00:00]\\r")\n    m = X.shape[1]\n', 1),
        "entrenarRed": BIEN["entrenarRed"]},
        despues=["raise ValueError('<script>alert(1)</script>')"]), 4)  # un aviso en sus pruebas: backProp falla, como en nbgrader
    # Trampas.
    flat("redefine_numpy", entrega({"backProp": MAL_BACKPROP, "entrenarRed": BIEN["entrenarRed"]}, antes=[
        "import numpy as np\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n"
        "np.testing.assert_allclose = lambda *a, **k: None"]), 4, "sospechosa")
    flat("importa_referencia", entrega({"backProp": "from solutions.xor import backProp\n",
                                        "entrenarRed": "from solutions.xor import entrenarRed\n"}), 0, "sospechosa")
    lee = (f"try:\n    exec(open({str(RAIZ / 'solutions' / 'xor.py')!r}).read())\nexcept OSError:\n    pass\n"
           f"import json\ntry:\n    for c in json.load(open({str(carpeta / 'normal_bien.ipynb')!r}))['cells']:\n"
           "        if ''.join(c['source']).startswith('def backProp'):\n"
           "            exec(''.join(c['source']))\nexcept OSError:\n    pass\n")
    flat("lee_referencia", entrega({"backProp": "def backProp(*a):\n    raise RuntimeError('sin copiar')\n",
                                    "entrenarRed": BIEN["entrenarRed"]}, despues=[lee]), 4, "sospechosa")
    sube = ("import os\nencontrado = []\nd = os.getcwd()\nfor _ in range(10):\n    d = os.path.dirname(d)\n"
            "    try:\n        encontrado += [os.path.join(d, n) for n in os.listdir(d)]\n"
            "    except OSError:\n        pass\n"
            "def backProp(*a):\n    raise RuntimeError('encontrado: %d' % len(encontrado))\n")
    flat("sube_carpetas", entrega({"backProp": sube, "entrenarRed": BIEN["entrenarRed"]}), 4, "sospechosa")
    otro = carpeta / "normal_bien.ipynb"
    escribe = ("import os\nfor ruta in [{!r}, {!r}, '../gradebook.db', '../../gradebook.db', "
               "os.path.expanduser('~/../../gradebook.db')]:\n    try:\n        with open(ruta, 'wb') as f:\n"
               "            f.write(b'destruido')\n    except OSError:\n        pass\n").format(
        str(curso / "gradebook.db"), str(otro))
    flat("escribe_gradebook", entrega(despues=[escribe]), 10, "sospechosa")
    entorno = ("import os\n_claves = ' '.join(os.environ) + ' '.join(os.environ.values())\n"
               f"_delata = 'NBGRADER' in _claves or 'PYTHONPATH' in _claves or {str(RAIZ)!r} in _claves\n")
    flat("nbgrader_execution", entrega({"backProp": entorno + BIEN["backProp"].replace(
        "    m = X.shape[1]\n", "    if _delata:\n        raise RuntimeError('calificando')\n    m = X.shape[1]\n", 1),
        "entrenarRed": BIEN["entrenarRed"]}), 10, "sospechosa")
    X, y = xor.datosXOR()
    w1, b1, w2, b2 = xor.inicializarParametros()
    a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
    fijo = [g.tolist() for g in xor.backProp(X, y, w1, w2, b1, b2, a2, a1)]
    flat("codifica_ejemplo", entrega({"backProp": "import numpy as np\ndef backProp(*a):\n    return tuple("
                                      f"np.array(v) for v in {fijo!r})\n", "entrenarRed": BIEN["entrenarRed"]}), 4)
    flat("otras_funciones", entrega({"backProp": "def propagar(x):\n    return x\n",
                                     "entrenarRed": "def entrenar():\n    pass\n"}), 0)
    return esperado


@pytest.fixture(scope="module")
def lote_hostil(tmp_path_factory, curso):
    carpeta = tmp_path_factory.mktemp("entregas")
    esperado = _hostiles(carpeta, curso)
    servidor = esperado.pop("_servidor")  # un puerto TCP abierto en la máquina: la entrega no debe llegar a él
    antes = sumas(carpeta)
    salida = tmp_path_factory.mktemp("salida")
    inicio = time.monotonic()
    resultado = calificar(carpeta, salida, curso, "--tiempo-max", "3", "--trabajos", "2")
    duracion = time.monotonic() - inicio
    servidor.close()
    return {"carpeta": carpeta, "esperado": esperado, "antes": antes, "salida": salida,
            "resultado": resultado, "duracion": duracion}


def test_el_lote_hostil_termina_y_no_toca_las_entregas(lote_hostil):
    r = lote_hostil["resultado"]
    assert r.returncode == 0, r.stderr[-3000:]
    assert sumas(lote_hostil["carpeta"]) == lote_hostil["antes"]
    assert "aislamiento fue parcial" not in r.stderr  # Landlock activo en esta máquina
    assert "calificadas" in r.stdout and "calificaciones.csv" in r.stdout
    assert "Calificando [" in r.stderr  # barra de progreso


def test_cada_entrega_hostil_tiene_su_nota_y_su_estado(lote_hostil):
    filas = leer_csv(lote_hostil["salida"] / "calificaciones.csv")
    obtenido = {e: (float(f["puntos"]), f["estado"]) for e, f in filas.items()}
    esperado = {e: (float(p), s) for e, (p, s) in lote_hostil["esperado"].items()}
    assert obtenido == esperado
    for fila in filas.values():
        assert fila["puntos_max"] == "10" and fila["taller"] == TALLER.id
        assert float(fila["puntos"]) == float(fila["backProp"]) + float(fila["entrenarRed"])
        if fila["estado"] != "ok":
            assert fila["detalle"], fila


def test_detalles_en_espanol_que_explican_la_incidencia(lote_hostil):
    filas = leer_csv(lote_hostil["salida"] / "calificaciones.csv")
    assert "no es JSON válido" in filas["json_invalido"]["detalle"]
    assert "vacío" in filas["fichero_vacio"]["detalle"]
    assert "no un cuaderno" in filas["no_es_cuaderno"]["detalle"]
    assert "Había 2 cuadernos" in filas["dos_cuadernos"]["detalle"]
    assert "venía dentro de «entrega.zip»" in filas["555"]["detalle"]
    assert TALLER.cuaderno in filas["dos_cuadernos"]["detalle"]
    assert "tiempo" in filas["bucle_celda"]["detalle"]
    assert "os._exit" in filas["os_exit"]["detalle"] or "terminó" in filas["os_exit"]["detalle"]
    assert "SIGKILL" in filas["se_mata"]["detalle"]
    assert "numpy" in filas["redefine_numpy"]["detalle"]
    assert "solutions" in filas["importa_referencia"]["detalle"]
    assert "fuera de su carpeta" in filas["sube_carpetas"]["detalle"]
    assert "gradebook" in filas["escribe_gradebook"]["detalle"]
    assert "nbgrader" in filas["nbgrader_execution"]["detalle"]
    assert "No define ninguna de las funciones calificadas" in filas["otras_funciones"]["detalle"]
    for nombre in ("normal_bien", "stderr_y_html", "memoria", "salida_enorme", "mata_al_padre"):
        assert filas[nombre]["estado"] == "ok", filas[nombre]


def test_la_retroalimentacion_da_pistas_sin_revelar_pruebas_ni_solucion(lote_hostil):
    carpeta = lote_hostil["salida"] / "retroalimentacion"
    html = (carpeta / "normal_mitad.html").read_text(encoding="utf-8")
    assert 'lang="es"' in html and "6 de 10" in html
    assert "épocas, tasa" in html  # Caso.descripcion de la prueba oculta que falló
    assert "costos" in html
    for secreto in ("verificar(", "verificacion", "delta1 = (w2.T @ delta2)", "BEGIN HIDDEN"):
        assert secreto not in html
    html = (carpeta / "stderr_y_html.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "supera las 5 comprobaciones" in (carpeta / "normal_bien.html").read_text(encoding="utf-8")
    assert "Aún no has escrito esta función" in (carpeta / "normal_vacia.html").read_text(encoding="utf-8")
    # El mensaje de la prueba pública llega entero, con su pista final (antes se cortaba a media frase).
    html = (carpeta / "pruebas_editadas.html").read_text(encoding="utf-8")
    assert "¿olvidaste dividir entre m (promediar)?" in html


def test_mensajes_largos_se_cortan_en_una_palabra_y_se_marcan():
    from autograder.calificacion.veredictos import MAX_MENSAJE, limpiar
    corto = "dw1 no coincide  con el\nvalor correcto"
    assert limpiar(corto) == "dw1 no coincide con el valor correcto"
    largo = "palabra " * 200
    recortado = limpiar(largo)
    assert len(recortado) <= MAX_MENSAJE + 4 and recortado.endswith("palabra […]")
    assert limpiar("objeto en 0x7f3a9c y 0xDEAD") == "objeto en 0x… y 0x…"


def test_resumen_con_figuras(lote_hostil):
    salida = lote_hostil["salida"]
    html = (salida / "resumen.html").read_text(encoding="utf-8")
    assert "notas.png" in html and "funciones.png" in html and "Entregas para revisar" in html
    for figura in ("notas.png", "funciones.png"):
        assert (salida / figura).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_el_gradebook_tiene_las_notas_y_nbgrader_export_funciona(lote_hostil, curso):
    from nbgrader.api import Gradebook

    with Gradebook(libro_notas.url_de(curso)) as gb:
        puntos = {e: gb.find_submission(TALLER.id, e).score
                  for e in ("normal_bien", "normal_mitad", "123456", "pruebas_borradas")}
        pendientes = [(e, f) for e in lote_hostil["esperado"] if lote_hostil["esperado"][e][1] != "sin_entrega"
                      for f in TALLER.funciones
                      if gb.find_grade(f"{f}_pruebas", "xor-retropropagacion", TALLER.id, e).needs_manual_grade]
    # Celdas de prueba borradas no dejan la nota pendiente de revisión manual (trampa de nbgrader).
    assert puntos == {"normal_bien": 10, "normal_mitad": 6, "123456": 10, "pruebas_borradas": 10}
    assert pendientes == []
    export = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--to",
                             str(curso / "notas.csv")], cwd=curso, env=entorno_de_ordenes(),
                            capture_output=True, text=True)
    assert export.returncode == 0, export.stderr[-2000:]
    with open(curso / "notas.csv", encoding="utf-8") as f:
        filas = {(r["student_id"], r["assignment"]): float(r["score"]) for r in csv.DictReader(f)}
    assert filas[("normal_mitad", TALLER.id)] == 6 and filas[("escribe_gradebook", TALLER.id)] == 10
    # formgrader y generate_feedback leen autograded/<estudiante>/<taller>/: el cuaderno del profesor con las
    # soluciones del estudiante, sin la parte oculta de las pruebas.
    revisable = curso / "autograded" / "normal_mitad" / TALLER.id / TALLER.cuaderno
    texto = revisable.read_text(encoding="utf-8")
    assert "costos.append" in texto and "BEGIN HIDDEN" not in texto and "verificar(" not in texto
    feedback = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", TALLER.id,
                               "--student", "normal_mitad", "--force"], cwd=curso, env=entorno_de_ordenes(),
                              capture_output=True, text=True)
    assert feedback.returncode == 0, feedback.stderr[-2000:]
    html = (curso / "feedback" / "normal_mitad" / TALLER.id / "xor-retropropagacion.html").read_text(encoding="utf-8")
    assert "Score: 6.0 / 10.0" in html and "verificar(" not in html


def test_zip_anidado_moodle_y_reproducible(tmp_path, curso):
    """Un .zip con carpetas anidadas; dos ejecuciones desde cero dan el mismo CSV byte a byte."""
    ruta = tmp_path / "entregas.zip"
    with zipfile.ZipFile(ruta, "w") as z:
        z.writestr("curso/entregas/María López_777_assignsubmission_file_/taller.ipynb", json.dumps(entrega()))
        z.writestr("curso/entregas/pepe.ipynb", json.dumps(base()))
        z.writestr("curso/entregas/rosa/xor-retropropagacion/xor-retropropagacion.ipynb",
                   json.dumps(entrega({"backProp": BIEN["backProp"],
                                              "entrenarRed": muestras.codigo("entrenarRed_costo_tarde")})))
        z.writestr("__MACOSX/curso/._pepe.ipynb", "basura")
    antes = sumas(tmp_path)
    for n in (1, 2):
        r = calificar(ruta, tmp_path / f"salida{n}", curso, "--tiempo-max", "10", "--sin-gradebook")
        assert r.returncode == 0, r.stderr[-2000:]
    assert sumas(tmp_path).items() >= antes.items()
    primera = (tmp_path / "salida1" / "calificaciones.csv").read_bytes()
    assert primera == (tmp_path / "salida2" / "calificaciones.csv").read_bytes()
    filas = leer_csv(tmp_path / "salida1" / "calificaciones.csv")
    assert {e: f["puntos"] for e, f in filas.items()} == {"777": "10", "pepe": "0", "rosa": "6"}
    assert list(filas) == sorted(filas)


def test_ctrl_c_a_mitad_de_lote_y_repetir_no_pierde_ni_duplica(tmp_path, curso):
    entregas = tmp_path / "entregas"
    # e2 tarda 30 s: el Ctrl-C llega mientras se califica. Cortarla lleva poco aun con la máquina
    # cargada; esperarla, más de 25 s. El margen entre los dos no depende de la carga.
    for i in range(6):
        nb = entrega(despues=["import time\ntime.sleep(30)"] if i == 2 else []) if i % 2 == 0 else base()
        guardar(nb, entregas / f"e{i}.ipynb")
    salida = tmp_path / "salida"
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida", str(salida),
             "--curso", str(curso), "--trabajos", "1", "--sin-gradebook"]
    # Con SIGINT en su valor por defecto, como en una terminal: si la batería se lanza en segundo
    # plano (``make test &`` en un guion), el shell hace que sus hijos ignoren SIGINT, y Python no
    # instala entonces el manejador del Ctrl-C; el calificador no vería la señal y esperaría a e2.
    proceso = subprocess.Popen(orden, cwd=RAIZ, env=entorno_de_ordenes(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    limite = time.monotonic() + 60
    while time.monotonic() < limite and len(list((salida / ".entregas").glob("*.json"))) < 2:
        time.sleep(0.05)
    time.sleep(0.5)
    proceso.send_signal(signal.SIGINT)
    enviada = time.monotonic()
    _, err = proceso.communicate(timeout=90)
    assert time.monotonic() - enviada < 15, "el Ctrl-C debe cortar la entrega en curso, no esperarla"
    assert proceso.returncode != 0 and "repite la misma orden" in err
    guardadas = {p.name: p.stat().st_mtime_ns for p in (salida / ".entregas").glob("*.json")}
    assert set(guardadas) == {"e0.json", "e1.json"}  # la interrumpida (e2) no se guarda a medias
    assert not (salida / "calificaciones.csv").exists()
    guardar(entrega(), entregas / "e2.ipynb")  # la repetición no espera otros 30 s: e2 ya no duerme
    antes = sumas(entregas)
    r = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert {p.name: p.stat().st_mtime_ns for p in (salida / ".entregas").glob("*.json")
            if p.name in guardadas} == guardadas  # las ya calificadas no se repiten
    filas = list(csv.reader(open(salida / "calificaciones.csv", encoding="utf-8")))
    assert [f[0] for f in filas[1:]] == [f"e{i}" for i in range(6)]
    assert [f[2] for f in filas[1:]] == ["10", "0"] * 3
    primera = (salida / "calificaciones.csv").read_bytes()
    (salida / "retroalimentacion" / "e3.html").unlink()
    r = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=120)
    assert (salida / "calificaciones.csv").read_bytes() == primera
    assert (salida / "retroalimentacion" / "e3.html").is_file()  # se rehace desde el resultado guardado
    assert sumas(entregas) == antes


@pytest.mark.parametrize("args, texto", [
    (["calificar", "xor-retro", ".", "--salida", "x"], "no existe el taller «xor-retro»"),
    (["calificar", "xor-retropropagacion", "/no/existe", "--salida", "x"], "no existe «/no/existe»"),
    (["calificar", "xor-retropropagacion", "."], "faltan estos argumentos: --salida"),
    (["calificar", "xor-retropropagacion", ".", "--salida", "x", "--trabajos", "0"], "debe ser 1 o más"),
])
def test_errores_de_uso_en_espanol(args, texto, tmp_path):
    r = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=tmp_path, env=entorno_de_ordenes(),
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert texto in r.stderr
    assert "Traceback" not in r.stderr


def test_ayuda_en_espanol():
    r = subprocess.run([sys.executable, "-m", "autograder", "calificar", "--help"], cwd=RAIZ,
                       env=entorno_de_ordenes(), capture_output=True, text=True)
    assert r.returncode == 0
    assert r.stdout.startswith("uso: ") and "muestra esta ayuda" in r.stdout and "usage" not in r.stdout


@pytest.mark.lenta
@pytest.mark.parametrize("taller_id", list(TALLERES))
def test_el_cuaderno_del_profesor_saca_10_y_el_del_estudiante_sin_tocar_0(taller_id, tmp_path):
    taller = TALLERES[taller_id]
    entregas = tmp_path / "entregas"
    guardar((RAIZ / "solutions" / "source" / taller_id / taller.cuaderno).read_text(encoding="utf-8"),
            entregas / "profesor.ipynb")
    guardar((RAIZ / "exercises" / taller_id / taller.cuaderno).read_text(encoding="utf-8"),
            entregas / "sin_tocar.ipynb")
    r = calificar_taller(taller_id, entregas, tmp_path / "salida", "--sin-gradebook", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    filas = leer_csv(tmp_path / "salida" / "calificaciones.csv")
    assert filas["profesor"]["puntos"] == "10" and filas["profesor"]["estado"] == "ok", filas["profesor"]
    assert filas["sin_tocar"]["puntos"] == "0" and filas["sin_tocar"]["estado"] == "ok"
    columnas = list(filas["profesor"])
    assert columnas[6:] == [*taller.funciones, "nombre", "correo", "fecha_entrega", "tarde", "reenvio"]


def test_tras_una_caida_las_pruebas_publicas_conservan_sus_variables(tmp_path):
    """descenso-gradiente: las pruebas públicas de descensoGradiente usan variables de las de costo.

    La entrega tira el proceso en su primer caso de descensoGradiente; al relanzarlo, las pruebas
    públicas ya hechas se repiten en silencio para recrear esas variables.
    """
    taller = TALLERES["descenso-gradiente"]
    nb = json.loads((RAIZ / "solutions" / "source" / taller.id / taller.cuaderno).read_text(encoding="utf-8"))
    for c in nb["cells"]:
        if c["metadata"].get("nbgrader", {}).get("grade_id") == "solucion_descensoGradiente":
            c["source"] = "import os\n" + "".join(c["source"]) + (
                "\n_original = descensoGradiente\n"
                "def descensoGradiente(*args):\n"
                "    if len(args[0]) == 1 and not os.path.exists('ya'):  # el primer caso oculto (m = 1)\n"
                "        open('ya', 'w').close()\n"
                "        os._exit(1)\n"
                "    return _original(*args)\n")
    guardar(nb, tmp_path / "entregas" / "cae_una_vez.ipynb")
    r = calificar_taller(taller.id, tmp_path / "entregas", tmp_path / "salida", "--sin-gradebook", timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    fila = leer_csv(tmp_path / "salida" / "calificaciones.csv")["cae_una_vez"]
    assert fila["estado"] == "error" and "os._exit" in fila["detalle"]
    assert (fila["costo"], fila["gradiente"], fila["normalizar"], fila["descensoGradiente"]) == ("2", "3", "2", "0")
    resultado = json.loads((tmp_path / "salida" / ".entregas" / "cae_una_vez.json").read_text())["resultado"]
    fallos = resultado["funciones"]["descensoGradiente"]["fallos"]
    assert len(fallos) == 1 and "detuvo el proceso" in fallos[0]["problemas"][0]  # solo el caso de la caída
