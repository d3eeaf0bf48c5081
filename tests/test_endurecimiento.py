"""Endurecimiento del calificador: el código del estudiante es hostil y miente.

Cada prueba corresponde a una clase de problema encontrada al atacar el calificador
como lo haría un estudiante hostil (issue 11). La mayoría comparten un lote real
(``python -m autograder calificar``) con entregas hostiles y una normal de control.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pyseccomp
import pytest

from autograder.aislamiento import sesion as aislamiento
from autograder.aislamiento.vigilante import Vigilante
from autograder.recogida import entregas
from autograder.lote import local as lote
from autograder.aislamiento import mensajes
from autograder.aislamiento import restricciones
from conftest import RAIZ, entorno_de_ordenes
from solutions.talleres import TALLERES
from test_calificador import (BIEN, TALLER, base, calificar, calificar_taller, celda, curso, entrega,  # noqa: F401
                              guardar, leer_csv, sumas)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def exige_con(prefijo, comprobacion, antes=(), despues=()):
    """Entrega correcta cuyo backProp (6 puntos) falla si no se cumple ``comprobacion`` tras ejecutar ``prefijo``."""
    codigo = BIEN["backProp"].replace("    m = X.shape[1]\n", f"    {comprobacion}\n    m = X.shape[1]\n", 1)
    return entrega({"backProp": prefijo + codigo, "entrenarRed": BIEN["entrenarRed"]}, antes=antes, despues=despues)


# 1. Mensajes falsificados: finge el fin de las celdas y de la fase de backProp para recibir la
#    fuente de referencia de backProp (va con los casos de entrenarRed), la guarda y se mata.
ROBA_FASES = """import json, os, select, sys, time
if not os.path.exists('robado.txt'):
    _ord, _men = int(sys.argv[1]), int(sys.argv[2])
    for _m in ({'tipo': 'listo', 'salida': 0}, {'tipo': 'fase_fin'}):
        os.write(_men, (json.dumps(_m) + '\\n').encode())
    _leido, _fin = b'', time.monotonic() + 1.5
    while b'def backProp' not in _leido and time.monotonic() < _fin:
        if select.select([_ord], [], [], 0.2)[0]:
            _leido += os.read(_ord, 1 << 20)
    for _linea in _leido.split(b'\\n'):
        try:
            _fuentes = json.loads(_linea).get('fuentes', [])
        except ValueError:
            continue
        for _f in _fuentes:
            if _f.startswith('def backProp'):
                with open('robado.txt', 'w') as _g:
                    _g.write(_f)
                os._exit(0)
"""
USA_LO_ROBADO = """def backProp(X, y, w1, w2, b1, b2, a2, a1):
    import os
    if not os.path.exists('robado.txt'):
        raise NotImplementedError()
    _ns = {'np': np}
    exec(open('robado.txt').read(), _ns)
    return _ns['backProp'](X, y, w1, w2, b1, b2, a2, a1)
"""

# 2. Decide dentro del proceso: gradienteNumerico (regla-cadena, debe dejar x intacto) suma 1 a
#    su entrada después de calcular (salvo con el x de las pruebas públicas) y, durante la llamada, hace que np.array_equal diga siempre
#    «iguales» (sin que lo delate el texto del código).
MUTA_Y_MIENTE = """
_gradiente_real = gradienteNumerico


def gradienteNumerico(f, x, *resto):
    _np = __import__('num' + 'py')
    setattr(_np, 'array_' + 'equal', lambda *a, **k: True)
    resultado = _gradiente_real(f, x, *resto)
    if isinstance(x, _np.ndarray) and x.size == 4:  # las pruebas públicas no usan x de 4 componentes
        x += 1.0
    return resultado
"""

# 3. Apaga el gancho de auditoría y lee la referencia con una ruta construida por partes.
APAGA_VIGILANTE = """import gc, os
for _o in gc.get_objects():
    if type(_o).__name__ == 'Vigilante':
        _o.activo = False
_leido = []
for _r in (os.sep.join([%r, 'solu' + 'tions', 'xor.py']), os.sep.join([%r, 'solu' + 'tions', 'verifica' + 'cion.py'])):
    try:
        open(_r).read()
        _leido.append(_r)
    except OSError:
        pass
""" % (str(RAIZ), str(RAIZ))

# 5. io_uring (crea sockets sin socket()) y espacios de nombres nuevos.
SIN_IO_URING = """import ctypes, platform
_libc = ctypes.CDLL(None, use_errno=True)
_params = ctypes.create_string_buffer(240)
_uring = _libc.syscall(425, 8, _params) >= 0
_ns = _libc.syscall(272 if platform.machine() == 'x86_64' else 97, 0x10000000) == 0
"""

# 11. Sintaxis de IPython válida que la conversión línea a línea rompía.
MAGIAS_BACKPROP = "np.sum?\n" + BIEN["backProp"]
MAGIAS_ENTRENAR = BIEN["entrenarRed"] + "\n_a = (1\n      != 2)\n_b = (7\n      % 3)\n%matplotlib inline\n_c = !ls\n"


def _zip_con(ruta, miembros, almacenar=False):
    ruta.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_STORED if almacenar else zipfile.ZIP_DEFLATED) as z:
        for nombre, datos in miembros:
            z.writestr(zipfile.ZipInfo(nombre) if isinstance(nombre, str) else nombre, datos)


def _zips_rotos(carpeta, cuaderno):
    """Carpetas de Moodle con un .zip dañado, cifrado, con un método desconocido y con un nombre de 300 letras."""
    _zip_con(carpeta / "Crc_11_assignsubmission_file_" / "e.zip", [("mi.ipynb", cuaderno)], almacenar=True)
    ruta = carpeta / "Crc_11_assignsubmission_file_" / "e.zip"
    datos = bytearray(ruta.read_bytes())
    i = datos.find(b'"cells"')
    datos[i + 1] = ord("C")  # mismo tamaño, CRC distinto
    ruta.write_bytes(bytes(datos))
    ruta = carpeta / "Cifrado_12_assignsubmission_file_" / "e.zip"
    _zip_con(ruta, [("mi.ipynb", cuaderno)], almacenar=True)
    datos = bytearray(ruta.read_bytes())
    local, central = datos.find(b"PK\x03\x04"), datos.find(b"PK\x01\x02")
    datos[local + 6] |= 0x1  # bit «cifrado» de los indicadores generales
    datos[central + 8] |= 0x1
    ruta.write_bytes(bytes(datos))
    ruta = carpeta / "Metodo_13_assignsubmission_file_" / "e.zip"
    _zip_con(ruta, [("mi.ipynb", cuaderno)], almacenar=True)
    datos = bytearray(ruta.read_bytes())
    local, central = datos.find(b"PK\x03\x04"), datos.find(b"PK\x01\x02")
    datos[local + 8:local + 10] = (99).to_bytes(2, "little")
    datos[central + 10:central + 12] = (99).to_bytes(2, "little")
    ruta.write_bytes(bytes(datos))
    _zip_con(carpeta / "Largo_14_assignsubmission_file_" / "e.zip", [("a" * 300 + ".ipynb", cuaderno)])


def clase_dura(raiz):
    """Escribe la clase hostil en ``raiz/entregas``; devuelve ({estudiante: (puntos, estado)}, víctima)."""
    carpeta = raiz / "entregas"
    esperado = {}

    def plano(nombre, nb, puntos, estado="ok"):
        guardar(nb, carpeta / f"{nombre}.ipynb")
        esperado[nombre] = (puntos, estado)

    plano("control", entrega(), 10)
    # 1. Mensajes falsificados y relanzamiento con la carpeta de trabajo de antes.
    plano("roba_fases", entrega({"backProp": USA_LO_ROBADO, "entrenarRed": BIEN["entrenarRed"]},
                                antes=[ROBA_FASES]), None, None)
    plano("carpeta_nueva", exige_con("", "assert not _visto, 'la carpeta de trabajo no estaba vacía'",
                                     antes=["import os\n_visto = os.path.exists('marca')\nopen('marca', 'w').close()"],
                                     despues=["import os\nos._exit(1)"]), 10, "error")
    # 3. Sin vigilante, sigue sin poder leer el curso.
    plano("apaga_vigilante", exige_con(APAGA_VIGILANTE, "assert not _leido, _leido"), 10)
    # 5. io_uring y espacios de nombres.
    plano("io_uring", exige_con(SIN_IO_URING, "assert not (_uring or _ns), (_uring, _ns)"), 10)
    # 6. Lo que hay bajo /usr y no es el intérprete ni sus bibliotecas.
    ajenos = [r for r in ("/usr/bin/env", "/usr/share/common-licenses/GPL-3", "/usr/include/stdio.h",
                          "/usr/share/dict/words") if os.path.isfile(r)]
    assert ajenos, "no hay ningún fichero de prueba bajo /usr en esta máquina"
    lee_usr = ("_visto = []\nfor _r in %r:\n    try:\n        open(_r, 'rb').read(10)\n        _visto.append(_r)\n"
               "    except OSError:\n        pass\n") % (ajenos,)
    plano("lee_usr", exige_con(lee_usr, "assert not _visto, _visto"), 10)
    # 7. Enlaces simbólicos en cualquier punto de las entregas.
    guardar(entrega(), carpeta / "bea" / TALLER.id / TALLER.cuaderno)
    esperado["bea"] = (10, "ok")
    (carpeta / "enlace_taller").mkdir()
    (carpeta / "enlace_taller" / TALLER.id).symlink_to(RAIZ / "solutions" / "source" / TALLER.id)
    esperado["enlace_taller"] = (0, "sin_entrega")
    (carpeta / "enlace_otra").mkdir()
    (carpeta / "enlace_otra" / TALLER.id).symlink_to(carpeta / "bea" / TALLER.id)
    esperado["enlace_otra"] = (0, "sin_entrega")
    (carpeta / "enlace_sub").mkdir()
    (carpeta / "enlace_sub" / "sub").symlink_to(carpeta / "bea")
    esperado["enlace_sub"] = (0, "sin_entrega")
    # 8. Textos y ficheros que rompían la escritura o la extracción.
    plano("sustituto", entrega(despues=["raise ValueError(chr(0xD800) + ' y ' + chr(0xDFFF))"]), 10)
    guardar(base(), Path(os.fsdecode(bytes(carpeta / "rosa") + b"/\xff\xfe.ipynb")))
    guardar(entrega(), carpeta / "rosa" / TALLER.cuaderno)
    esperado["rosa"] = (10, "ok")
    _zips_rotos(carpeta, json.dumps(entrega()))
    esperado.update({"11": (0, "error"), "12": (0, "error"), "13": (0, "error"), "14": (10, "ok")})
    # 4. Nombres de zip absolutos (// y \\) que escribían fuera de la carpeta de extracción.
    victima = raiz / "fuera" / "victima.ipynb"
    guardar("original", victima)
    _zip_con(carpeta / "Zip_15_assignsubmission_file_" / "e.zip", [
        (str(victima), "pisado"), ("//" + str(victima).lstrip("/"), "pisado"),
        ("\\\\" + str(victima).lstrip("/").replace("/", "\\"), "pisado"),
        ("mi/../../" + victima.name, "pisado"), ("mi.ipynb", json.dumps(entrega()))])
    esperado["15"] = (10, "ok")
    # 10. Dos entregas con el mismo identificador.
    plano("+ana", entrega(), None)
    plano("ana", base(), None)
    del esperado["+ana"], esperado["ana"]
    esperado.update({"ana": (0, "sospechosa"), "ana_2": (10, "sospechosa")})
    # 11. Código honrado: sintaxis de IPython, salidas grandes, datos junto al cuaderno.
    plano("magias", entrega({"backProp": MAGIAS_BACKPROP, "entrenarRed": MAGIAS_ENTRENAR}), 10)
    grande = entrega()
    grande["cells"][-1]["outputs"] = [{"output_type": "display_data", "metadata": {},
                                       "data": {"image/png": "A" * (23 * 1024 ** 2)}}]
    plano("salidas_grandes", grande, 10)
    guardar(exige_con("_datos = open('datos.csv').read()\n", "assert _datos.startswith('x,y'), _datos"),
            carpeta / "con_datos" / TALLER.cuaderno)
    (carpeta / "con_datos" / "datos.csv").write_text("x,y\n1,2\n")
    esperado["con_datos"] = (10, "ok")
    return esperado, victima


@pytest.fixture(scope="module")
def lote_duro(tmp_path_factory, curso):  # noqa: F811  (fijación importada)
    raiz = tmp_path_factory.mktemp("duro")
    esperado, victima = clase_dura(raiz)
    carpeta = raiz / "entregas"
    antes = sumas(carpeta)
    salida = raiz / "salida"
    inicio = time.monotonic()
    resultado = calificar(carpeta, salida, curso, "--tiempo-max", "3", "--trabajos", "2", "--sin-gradebook",
                          timeout=600)
    return {"carpeta": carpeta, "esperado": esperado, "antes": antes, "salida": salida, "resultado": resultado,
            "victima": victima, "duracion": time.monotonic() - inicio}


@pytest.fixture(scope="module")
def filas(lote_duro):
    r = lote_duro["resultado"]
    assert r.returncode == 0, r.stderr[-3000:]
    return leer_csv(lote_duro["salida"] / "calificaciones.csv")


def _nota(filas, estudiante):
    return float(filas[estudiante]["puntos"]), filas[estudiante]["estado"]


def test_el_lote_duro_termina_y_cada_entrega_tiene_su_fila(lote_duro, filas):
    assert sumas(lote_duro["carpeta"]) == lote_duro["antes"]
    obtenido = {e: _nota(filas, e) for e in lote_duro["esperado"] if lote_duro["esperado"][e][0] is not None}
    esperado = {e: (float(p), s) for e, (p, s) in lote_duro["esperado"].items() if p is not None}
    assert obtenido == esperado
    assert set(filas) == set(lote_duro["esperado"])
    print(f"\nLote duro: {len(filas)} entregas en {lote_duro['duracion']:.1f} s")


def test_1_un_fin_de_fase_falsificado_no_entrega_la_referencia(filas):
    """El proceso finge el fin de las celdas y de la fase de backProp: no recibe la fuente de backProp."""
    assert filas["roba_fases"]["backProp"] == "0", filas["roba_fases"]


def test_1_un_proceso_relanzado_empieza_con_la_carpeta_de_trabajo_vacia(filas):
    assert _nota(filas, "carpeta_nueva") == (10.0, "error"), filas["carpeta_nueva"]


def test_2_si_las_entradas_cambiaron_lo_decide_el_calificador(tmp_path):
    taller = TALLERES["regla-cadena"]
    nb = json.loads((RAIZ / "solutions" / "source" / taller.id / taller.cuaderno).read_text(encoding="utf-8"))
    nb["cells"].append(celda(MUTA_Y_MIENTE))
    guardar(nb, tmp_path / "entregas" / "muta_y_miente.ipynb")
    r = calificar_taller(taller.id, tmp_path / "entregas", tmp_path / "salida", "--sin-gradebook", timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    fila = leer_csv(tmp_path / "salida" / "calificaciones.csv")["muta_y_miente"]
    assert fila["gradienteNumerico"] == "0", fila
    assert float(fila["puntos"]) == taller.puntos_max - taller.puntos["gradienteNumerico"]
    retro = (tmp_path / "salida" / "retroalimentacion" / "muta_y_miente.html").read_text(encoding="utf-8")
    assert "modifica los arreglos que recibe" in retro


def test_3_sin_el_gancho_de_auditoria_el_curso_sigue_sin_poder_leerse(filas):
    """El gancho es solo un aviso: aunque se apague, Landlock impide leer la referencia."""
    assert _nota(filas, "apaga_vigilante") == (10.0, "ok"), filas["apaga_vigilante"]


def test_4_nombres_de_zip_absolutos_no_salen_de_la_carpeta(lote_duro, filas):
    assert lote_duro["victima"].read_text() == "original"
    assert _nota(filas, "15") == (10.0, "ok")
    assert "saldría de la carpeta" in filas["15"]["detalle"]


@pytest.mark.parametrize("nombre", ["/etc/x.ipynb", "//etc/x.ipynb", "\\\\srv\\x.ipynb", "C:x.ipynb", "C:\\x.ipynb",
                                    "a/../../x.ipynb", "..", "", "a/\x00b"])
def test_4_ruta_segura_rechaza_toda_ruta_que_salga(tmp_path, nombre):
    assert entregas.ruta_segura(tmp_path, nombre) is None


def test_4_ruta_segura_acepta_rutas_relativas_y_acorta_nombres_largos(tmp_path):
    assert entregas.ruta_segura(tmp_path, "ana/./taller\\x.ipynb") == tmp_path / "ana" / "taller" / "x.ipynb"
    largo = entregas.ruta_segura(tmp_path, "a" * 300 + ".ipynb")
    assert largo.parent == tmp_path and largo.suffix == ".ipynb" and len(largo.name) <= entregas.MAX_NOMBRE


def test_5_io_uring_y_espacios_de_nombres_prohibidos(filas):
    assert _nota(filas, "io_uring") == (10.0, "ok"), filas["io_uring"]
    for arquitectura in (pyseccomp.Arch.X86_64, pyseccomp.Arch.AARCH64):
        with tempfile.TemporaryFile("w+") as pfc:
            restricciones.filtro(1000, [arquitectura]).export_pfc(pfc)
            pfc.seek(0)
            texto = pfc.read()
        for numero in (425, 426, 427):  # io_uring_setup, io_uring_enter, io_uring_register
            assert f"if ($syscall == {numero})\n    action ERRNO(1);" in texto


def test_6_no_puede_leer_lo_que_hay_bajo_usr(filas):
    assert _nota(filas, "lee_usr") == (10.0, "ok"), filas["lee_usr"]


def test_6_las_rutas_de_lectura_nunca_contienen_el_curso():
    rutas = aislamiento.rutas_de_lectura()
    assert not {"/", "/usr", "/lib", "/bin", "/etc", "/home", "/root", "/tmp"} & set(rutas)
    for ruta in rutas:
        for protegida in (RAIZ, RAIZ / "solutions", Path(tempfile.gettempdir())):
            assert not (str(protegida) + "/").startswith(ruta.rstrip("/") + "/"), ruta


def test_7_nunca_se_sigue_un_enlace_simbolico(filas):
    for nombre in ("enlace_taller", "enlace_otra", "enlace_sub"):
        assert _nota(filas, nombre) == (0.0, "sin_entrega"), filas[nombre]
    assert _nota(filas, "bea") == (10.0, "ok")


def test_8_textos_y_zips_rotos_no_detienen_el_lote(lote_duro, filas):
    assert _nota(filas, "sustituto") == (10.0, "ok")
    assert _nota(filas, "rosa") == (10.0, "ok") and "Había 2 cuadernos" in filas["rosa"]["detalle"]
    assert "dañado" in filas["11"]["detalle"]
    assert "cifrado" in filas["12"]["detalle"]
    assert "compresión" in filas["13"]["detalle"]
    assert _nota(filas, "14") == (10.0, "ok")
    retro = lote_duro["salida"] / "retroalimentacion"
    for estudiante in filas:
        assert (retro / f"{estudiante}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_8_un_error_interno_nombra_al_estudiante_y_no_detiene_el_lote(tmp_path, monkeypatch):
    """Un fallo del propio calificador con una entrega (aquí, al escribir su retroalimentación) queda en su fila."""
    taller = TALLER
    carpeta = tmp_path / "e"
    guardar(base(), carpeta / "luis.ipynb")
    guardar(base(), carpeta / "mar.ipynb")
    original = lote.informes.retroalimentacion

    def falla_con_luis(resultado, t):
        if resultado["estudiante"] == "luis" and resultado["estado"] != "error":
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        return original(resultado, t)

    monkeypatch.setattr(lote.informes, "retroalimentacion", falla_con_luis)
    fuente = RAIZ / "solutions" / "source" / taller.id / taller.cuaderno
    resultados = lote.Lote(taller, entregas.localizar(carpeta, taller), tmp_path / "salida",
                           fuente_cuaderno=fuente, trabajos=1).ejecutar()
    por_estudiante = {r["estudiante"]: r for r in resultados}
    assert por_estudiante["luis"]["estado"] == "error" and "«luis»" in por_estudiante["luis"]["detalle"]
    assert por_estudiante["mar"]["estado"] == "ok"


def test_10_una_colision_de_identificador_no_sustituye_a_nadie(filas):
    for estudiante in ("ana", "ana_2"):
        assert "mismo identificador «ana»" in filas[estudiante]["detalle"], filas[estudiante]
        assert "«+ana.ipynb»" in filas[estudiante]["detalle"] and "«ana.ipynb»" in filas[estudiante]["detalle"]


def test_10_zip_de_estudiante_dentro_del_zip_de_moodle_y_nombres_con_retorno(tmp_path, curso):  # noqa: F811
    interno = tmp_path / "interno.zip"
    _zip_con(interno, [("x\r=2+3.ipynb", json.dumps(entrega()))])
    clase = tmp_path / "clase.zip"
    _zip_con(clase, [("Pepe Ruiz_77_assignsubmission_file_/mi\r=1+1.zip", interno.read_bytes()),
                     ("Luz Sol_78_assignsubmission_file_/luz.ipynb", json.dumps(entrega())),
                     ("Sin Nada_79_assignsubmission_file_/leeme.txt", "olvidé el cuaderno")])
    r = calificar(clase, tmp_path / "salida", curso, "--tiempo-max", "10", "--sin-gradebook")
    assert r.returncode == 0, r.stderr[-2000:]
    crudo = (tmp_path / "salida" / "calificaciones.csv").read_bytes()
    assert b"\r" not in crudo
    filas = leer_csv(tmp_path / "salida" / "calificaciones.csv")
    assert {e: (f["puntos"], f["estado"]) for e, f in filas.items()} == {
        "77": ("10", "ok"), "78": ("10", "ok"), "79": ("0", "sin_entrega")}
    assert "venía dentro de «mi =1+1.zip»" in filas["77"]["detalle"]


def test_11_sintaxis_de_ipython_salidas_grandes_y_datos(filas):
    assert _nota(filas, "magias") == (10.0, "ok"), filas["magias"]
    assert _nota(filas, "salidas_grandes") == (10.0, "ok"), filas["salidas_grandes"]
    assert _nota(filas, "con_datos") == (10.0, "ok"), filas["con_datos"]


def test_11_un_entorno_en_una_ruta_con_nbgrader_no_es_sospechoso(tmp_path):
    avisos = []

    class Canal:
        def enviar(self, mensaje):
            avisos.append(mensaje["texto"])

    entorno = "/opt/nbgrader-env/lib/python3.11/site-packages"
    vigilante = Vigilante(Canal(), str(tmp_path / "trabajo"), [entorno])
    vigilante.activo = True
    vigilante("open", (entorno + "/numpy/linalg/__init__.py", "r", 0))
    assert avisos == []
    vigilante("open", ("/opt/nbgrader-env/gradebook.db", "r", 0))
    assert avisos and "gradebook" in avisos[0]


FORJA_MENSAJES = """import json, os, sys
_fd = int(sys.argv[2])
_error = 'x' * (1 << 20)
for _i in range(400):
    os.write(_fd, (json.dumps({'tipo': 'celda_fin', 'i': 'f%d' % _i, 'error': _error}) + '\\n').encode())
"""


def _bombas(carpeta, n=3, mib=150):
    """Una carpeta de estudiante con ``n`` .zip de ~150 KiB que declaran ``mib`` MiB cada uno."""
    ceros = bytes(mib * 1024 ** 2)
    for i in range(n):
        with zipfile.ZipFile(carpeta / f"bomba{i}.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr(f"n{i}.ipynb", ceros)


def _pico_del_calificador(entregas_dir, salida, curso):  # noqa: F811
    """Calificación real en un proceso propio; devuelve (resultado, pico de memoria del calificador en MiB)."""
    # VmHWM y no ru_maxrss: Linux conserva ru_maxrss a través de exec, y daría la memoria de pytest.
    programa = ("import re, sys\nfrom autograder.cli import main\nrc = main(sys.argv[1:])\n"
                "print('PICO', re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))\n"
                "sys.exit(rc)")
    r = subprocess.run([sys.executable, "-c", programa, "calificar", TALLER.id, str(entregas_dir), "--salida",
                        str(salida), "--curso", str(curso), "--tiempo-max", "10", "--trabajos", "2",
                        "--sin-gradebook"], cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    pico = int(next(l for l in r.stdout.splitlines() if l.startswith("PICO")).split()[1]) / 1024
    return r, pico


def test_9_memoria_del_calificador_con_mensajes_enormes_y_zips_bomba(tmp_path, curso):  # noqa: F811
    normal = tmp_path / "normal"
    guardar(entrega(), normal / "control.ipynb")
    _, base_mib = _pico_del_calificador(normal, tmp_path / "s1", curso)
    hostil = tmp_path / "hostil"
    guardar(entrega(), hostil / "control.ipynb")
    guardar(entrega(antes=[FORJA_MENSAJES]), hostil / "forja.ipynb")
    (hostil / "bomba").mkdir()
    _bombas(hostil / "bomba")
    _, hostil_mib = _pico_del_calificador(hostil, tmp_path / "s2", curso)
    print(f"\nPico de memoria del calificador: {base_mib:.0f} MiB con una entrega normal, "
          f"{hostil_mib:.0f} MiB con 400 mensajes de 1 MiB y 3 zips de 150 MiB declarados")
    filas = leer_csv(tmp_path / "s2" / "calificaciones.csv")
    assert filas["control"]["puntos"] == "10" and filas["forja"]["puntos"] == "10"
    assert filas["bomba"]["estado"] == "error" and "espacio permitido" in filas["bomba"]["detalle"]
    assert hostil_mib < base_mib + 100, (base_mib, hostil_mib)


def test_9_los_zips_de_un_estudiante_se_extraen_por_trozos_con_un_presupuesto(tmp_path):
    carpeta = tmp_path / "bomba"
    carpeta.mkdir()
    _bombas(carpeta, n=3, mib=100)
    tracemalloc.start()
    try:
        candidatos, _, error = entregas._de_zips(carpeta, tmp_path / "destino", carpeta)
        _, pico = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    extraido = sum(p.stat().st_size for p in (tmp_path / "destino").rglob("*") if p.is_file())
    print(f"\n3 zips de 100 MiB declarados: {extraido / 2 ** 20:.0f} MiB extraídos, pico de {pico / 2 ** 20:.1f} MiB")
    assert extraido <= entregas.MAX_ESTUDIANTE and len(candidatos) == 1  # cabe el primero; los otros dos no
    assert pico < 8 * 2 ** 20


def test_9_el_lector_de_mensajes_es_lineal():
    """Un mensaje de 15 MiB que llega en trozos de 64 KiB se lee sin volver a recorrer lo ya leído."""
    import threading

    r, w = os.pipe()
    mensaje = (json.dumps({"tipo": "caso", "relleno": "a" * (15 * 2 ** 20)}) + "\n").encode()

    def escribir():
        for i in range(0, len(mensaje), 65536):
            os.write(w, mensaje[i:i + 65536])
        os.close(w)

    hilo = threading.Thread(target=escribir)
    hilo.start()
    inicio = time.monotonic()
    recibido = mensajes.Lector(r).leer(time.monotonic() + 60)
    duracion = time.monotonic() - inicio
    hilo.join()
    os.close(r)
    print(f"\nMensaje de 15 MiB leído en {duracion:.2f} s")
    assert recibido["tipo"] == "caso" and len(recibido["relleno"]) == mensajes.MAX_TEXTO
    assert duracion < 2
