"""El proceso aislado no tiene la referencia, no saca de ella más de lo permitido y no toca otros procesos.

Issue 20 (puntos 1, 2, 3 y 9) e issue 21 (punto 3). La mayoría de las pruebas comparten un lote
real (``python -m autograder calificar``, dos entregas a la vez, con el servidor caliente) con
entregas hostiles y compañeros normales calificados a la vez:

- una que busca código de referencia en la pila, en ``gc`` y en los ``__globals__``/``__code__``
  de todas las funciones mientras se califica ``entrenarRed`` (con ``backProp`` de referencia);
- una que pide resultados de la referencia con entradas que elige y los saca en mensajes de error,
  fallos de las pruebas públicas, nombres de tipos y códigos de salida;
- una que intenta ``prlimit`` sobre el calificador, el servidor caliente y los procesos aislados
  de los compañeros; y una que envía llamadas falsas o enormes al calificador;
- una correcta que importa ``herramientas`` y otra que importa un paquete que no existe.
"""
import ast
import html
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from autograder.aislamiento import proceso
from autograder.aislamiento import sesion as aislamiento
from autograder.calificacion import veredictos as calificacion
from autograder.aislamiento import codec
from autograder.calificacion import cuaderno
from autograder.aislamiento import mensajes
from autograder.calificacion import referencias
from autograder.calificacion import texto_acotado
from conftest import RAIZ, entorno_de_ordenes
from solutions import verificacion, xor
from solutions.talleres import TALLERES
from test_calificador import BIEN, TALLER, curso, entrega, guardar, leer_csv  # noqa: F401
from test_endurecimiento import _pico_del_calificador, exige_con

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MEMORIA_MIB = 1987  # límite de memoria del lote: solo sus procesos aislados tienen exactamente este

# --- 1. Busca la referencia en todo lo que alcanza el proceso --------------------------------------
# backProp mal (no promedia), escrito de otra forma que la referencia: entrenarRed usará la de referencia.
BACKPROP_MAL = '''def backProp(X, y, w1, w2, b1, b2, a2, a1):
    e2 = a2 - y
    e1 = (w2.T @ e2) * a1 * (1.0 - a1)
    return e1 @ X.T, e1.sum(axis=1, keepdims=True), e2 @ a1.T, e2.sum(axis=1, keepdims=True)
'''


def _huellas_de_referencia():
    """Bytecode y líneas de las funciones de referencia que el cuaderno del taller 4 no da."""
    dado = "".join("".join(c["source"]) for c in json.loads(
        (RAIZ / "exercises" / TALLER.id / TALLER.cuaderno).read_text(encoding="utf-8"))["cells"])
    codigos, lineas = [], []
    for nombre, funcion in verificacion.REFERENCIA.items():
        fuente = textwrap.dedent(inspect.getsource(funcion))
        if fuente.strip() in dado:
            continue
        codigo = next(c for c in compile(fuente, "<ref>", "exec").co_consts if hasattr(c, "co_code"))
        if len(codigo.co_code) > 40:
            codigos.append(codigo.co_code.hex())
        lineas += [linea.strip() for linea in _cuerpo(fuente) if len(linea.strip()) >= 20]
    # Invertidas: así las líneas que busca la entrega no están, tal cual, en su propio código.
    return codigos, [linea[::-1] for linea in lineas if linea not in dado]


def _cuerpo(fuente):
    """Líneas del cuerpo de una función o clase, sin su docstring."""
    nodo = ast.parse(fuente).body[0]
    cuerpo = nodo.body[1:] if ast.get_docstring(nodo) else nodo.body
    return [linea for n in cuerpo for linea in ast.get_source_segment(fuente, n).splitlines()]


CODIGOS_REF, LINEAS_REF = _huellas_de_referencia()
BUSCA_REFERENCIA = '''import gc as _gc, sys as _sys, types as _types
_CODIGOS = set(%r)
_INVERTIDAS = %r
_hallado = []


def _buscar():
    """Recorre la pila, los objetos de gc, los módulos y todo lo que alcanzan (globals, código, constantes)."""
    pendientes = list(_gc.get_objects()) + list(_sys.modules.values())
    marco = _sys._getframe()
    while marco is not None:
        pendientes += [marco, marco.f_code, marco.f_globals, marco.f_locals]
        marco = marco.f_back
    vistos = set()
    while pendientes:
        objeto = pendientes.pop()
        if id(objeto) in vistos:
            continue
        vistos.add(id(objeto))
        if isinstance(objeto, str):
            if len(objeto) >= 20 and any(l in objeto[::-1] for l in _INVERTIDAS):
                _hallado.append("texto: " + objeto[:60])
            continue
        if isinstance(objeto, (int, float, bytes, type(None))):
            continue
        if isinstance(objeto, _types.CodeType):
            if objeto.co_code.hex() in _CODIGOS:
                _hallado.append("código: " + objeto.co_name)
            pendientes += list(objeto.co_consts)
        elif isinstance(objeto, _types.FunctionType):
            pendientes += [objeto.__code__, objeto.__globals__, objeto.__closure__ or ()]
        pendientes += _gc.get_referents(objeto)
    return len(vistos)


_n_objetos = 0


def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    global _n_objetos
    if not _n_objetos:
        _n_objetos = _buscar()  # una vez, con backProp de referencia ya inyectada
    if _hallado:
        return w1, b1, w2, b2, []  # encontró la referencia: pierde entrenarRed
    costos = []
    for _ in range(epocas):
        a1, a2 = feedForward(X, w1, w2, b1, b2)
        costos.append(costoGlobal(a2, y))
        dw1, db1, dw2, db2 = backProp(X, y, w1, w2, b1, b2, a2, a1)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    return w1, b1, w2, b2, costos
''' % (CODIGOS_REF, LINEAS_REF)

# --- 2. Saca resultados de la referencia en los textos que llegan a su retroalimentación ------------
ENTRADA_FUGA = [np.array([[0.37, -1.3]]), np.array([[1.0, 0.0]]), np.array([[0.7]]), np.array([[-1.9]]),
                np.array([[0.2]]), np.array([[0.11]])]  # X, y, w1, w2, b1, b2
_A1, _A2 = xor.feedForward(ENTRADA_FUGA[0], ENTRADA_FUGA[2], ENTRADA_FUGA[3], ENTRADA_FUGA[4], ENTRADA_FUGA[5])
FUGA = f"{float(xor.backProp(*ENTRADA_FUGA, _A2, _A1)[0][0, 0]):.10f}"
FILTRA = '''
def _fuga():
    X, y = np.array([[0.37, -1.3]]), np.array([[1.0, 0.0]])
    w1, w2, b1, b2 = np.array([[0.7]]), np.array([[-1.9]]), np.array([[0.2]]), np.array([[0.11]])
    a1, a2 = feedForward(X, w1, w2, b1, b2)
    return "%.10f" % float(backProp(X, y, w1, w2, b1, b2, a2, a1)[0][0, 0])


def entrenarRed(epocas, lr, X, y, w1, b1, w2, b2, a1, a2):
    valor = _fuga()
    if epocas == 3:
        raise AssertionError("`w2` vale " + valor + " y se esperaba 0.5. FUGA " + valor)
    if epocas == 25:
        return type("FUGA_" + valor.replace(".", "_").replace("-", "m"), (), {})(), b1, w2, b2, []
    if epocas == 0:  # las pruebas públicas empiezan con 0 épocas
        raise AssertionError("FUGA " + valor + " se esperaba")
    raise ValueError("operands could not be broadcast together with shapes (" + valor[3:7] + ",1) (3,1) FUGA "
                     + valor)
'''

# --- 3. prlimit sobre el calificador, el servidor caliente y los compañeros -------------------------
PRLIMIT = '''import os as _os, resource as _resource, time as _time
_hechos = []


def _intenta(pid, recurso, valor):
    try:
        _resource.prlimit(pid, recurso, (valor, valor))
        _hechos.append(pid)
    except OSError:
        pass


_intenta(int(open("pids.txt").read()), _resource.RLIMIT_FSIZE, 0)  # el calificador
_servidor = _os.getppid()
_intenta(_servidor, _resource.RLIMIT_NOFILE, 0)  # el servidor caliente
_fin = _time.monotonic() + 4
while _time.monotonic() < _fin and not _hechos:
    for _p in range(_servidor + 1, _servidor + 400):  # los procesos aislados de los compañeros
        try:
            if _p != _os.getpid() and _resource.prlimit(_p, _resource.RLIMIT_AS)[0] == %d * 2 ** 20:
                _intenta(_p, _resource.RLIMIT_AS, 64 * 2 ** 20)
        except OSError:
            pass
''' % MEMORIA_MIB
OCUPADO = "import time as _t\n_fin = _t.monotonic() + 5\nwhile _t.monotonic() < _fin:\n    sum(range(1000))\n"
CALIENTE = "import sys\n_caliente = 'matplotlib.pyplot' in sys.modules\n"

# --- Llamadas falsas: funciones no permitidas, argumentos enormes o basura --------------------------
BASURA = '''import json as _json, os as _os, sys as _sys


def _basura():
    for _m in ({"tipo": "llamada", "id": 10 ** 6, "funcion": "entrenarRed", "args": []},
               {"tipo": "llamada", "id": 10 ** 6 + 1, "funcion": "backProp",
                "args": [{"t": "arr", "forma": [5000, 5000], "datos": [1.0] * 10}] * 8},
               {"tipo": "llamada", "id": "x", "funcion": ["backProp"], "args": {"a": 1}},
               {"tipo": "llamada", "id": 10 ** 6 + 2, "funcion": "backProp",
                "args": [{"t": "funcion", "codigo": "__import__('os')"}]}):
        _os.write(4, (_json.dumps(_m) + "\\n").encode())
    try:
        backProp(*[np.ones((2000, 2000))] * 8)  # demasiado grande: el calificador no lo calcula
    except Exception:
        pass
'''
ENTRENAR_CON_BASURA = BIEN["entrenarRed"].replace("    costos = []\n", "    _basura()\n    costos = []\n", 1)


def _escribir_clase(carpeta):
    esperado = {}

    def poner(nombre, nb, puntos, estado="ok"):
        guardar(nb, carpeta / nombre / TALLER.cuaderno)
        esperado[nombre] = (puntos, estado)

    poner("a_companero", entrega(despues=[OCUPADO]), 10)
    poner("a_prlimit", exige_con(PRLIMIT, "assert not _hechos, _hechos"), 10)
    (carpeta / "a_prlimit" / "pids.txt").write_text("0")  # lo reescribe el calificador al arrancar
    # Con su backProp mal, entrenarRed se califica con la de referencia (apoderada): la que buscan y usan.
    poner("b_espia", entrega({"backProp": BACKPROP_MAL, "entrenarRed": BUSCA_REFERENCIA}), 4)
    poner("c_filtra", entrega({"backProp": BACKPROP_MAL, "entrenarRed": FILTRA}), 0)
    poner("d_basura", entrega({"backProp": BACKPROP_MAL, "entrenarRed": BASURA + ENTRENAR_CON_BASURA}), 4)
    poner("e_herramientas", entrega(antes=["import herramientas\nfrom herramientas import numerico, datos"]), 10)
    poner("f_importa_otro", entrega(despues=["import paquete_que_no_existe"]), 10)
    poner("z_caliente", exige_con(CALIENTE, "assert _caliente, 'no nació del servidor caliente'"), 10)
    return esperado


@pytest.fixture(scope="module")
def lote(tmp_path_factory, curso):  # noqa: F811  (fijación importada)
    raiz = tmp_path_factory.mktemp("referencia")
    esperado = _escribir_clase(raiz / "entregas")
    # El calificador escribe su pid en los datos de la entrega hostil y se convierte (exec) en el calificador.
    lanzador = ("import os, sys\nopen(sys.argv[1], 'w').write(str(os.getpid()))\n"
                "os.execv(sys.executable, [sys.executable, '-m', 'autograder'] + sys.argv[2:])")
    orden = [sys.executable, "-c", lanzador, str(raiz / "entregas" / "a_prlimit" / "pids.txt"), "calificar",
             TALLER.id, str(raiz / "entregas"), "--salida", str(raiz / "salida"), "--curso", str(curso),
             "--tiempo-max", "20", "--trabajos", "2", "--sin-gradebook", "--memoria-max", str(MEMORIA_MIB),
             "--desglose"]
    inicio = time.monotonic()
    r = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=600)
    return {"r": r, "salida": raiz / "salida", "esperado": esperado, "segundos": time.monotonic() - inicio}


@pytest.fixture(scope="module")
def filas(lote):
    assert lote["r"].returncode == 0, lote["r"].stderr[-3000:]
    return leer_csv(lote["salida"] / "calificaciones.csv")


def _retro(lote, estudiante):
    """Texto de la retroalimentación (sin etiquetas HTML)."""
    pagina = (lote["salida"] / "retroalimentacion" / f"{estudiante}.html").read_text(encoding="utf-8")
    return html.unescape(re.sub(r"<[^>]+>", "", pagina)).replace("`", "")


def test_el_lote_termina_y_cada_entrega_conserva_su_nota(lote, filas):
    obtenido = {e: (float(f["puntos"]), f["estado"]) for e, f in filas.items()}
    assert obtenido == {e: (float(p), s) for e, (p, s) in lote["esperado"].items()}, lote["r"].stdout[-2000:]
    for estudiante in filas:
        pagina = lote["salida"] / "retroalimentacion" / f"{estudiante}.html"
        assert pagina.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    print(f"\nLote con la referencia fuera del proceso: {len(filas)} entregas en {lote['segundos']:.1f} s")


def test_1_el_codigo_del_estudiante_no_encuentra_codigo_de_referencia(filas):
    """Recorre pila, gc, módulos, __globals__, __code__ y co_consts con backProp de referencia inyectada."""
    assert CODIGOS_REF and LINEAS_REF
    assert filas["b_espia"]["entrenarRed"] == "4", filas["b_espia"]


def test_2_los_resultados_de_la_referencia_no_salen_en_la_retroalimentacion(lote, filas):
    retro = _retro(lote, "c_filtra")
    assert filas["c_filtra"]["entrenarRed"] == "0"
    for trozo in (FUGA, FUGA[3:7], FUGA.replace(".", "_"), "FUGA"):
        assert trozo not in retro and trozo not in filas["c_filtra"]["detalle"], trozo
    assert "lanzó un error (ValueError)" in retro and "formas incompatibles" in retro  # la pista sigue
    assert "de tipo otro" in retro


def test_3_ningun_proceso_del_estudiante_cambia_otro_proceso(filas):
    """prlimit sobre el calificador (que escribe todo), el servidor caliente (que sigue sirviendo
    hijos: z_caliente nace de él) y los compañeros (que conservan su nota) falla."""
    assert filas["a_prlimit"]["backProp"] == "6", filas["a_prlimit"]
    assert filas["a_companero"]["puntos"] == "10" and filas["z_caliente"]["puntos"] == "10"


def test_1_las_llamadas_falsas_o_enormes_no_detienen_nada(filas):
    assert (filas["d_basura"]["entrenarRed"], filas["d_basura"]["estado"]) == ("4", "ok"), filas["d_basura"]


def test_issue21_las_herramientas_del_curso_se_pueden_importar(lote, filas):
    assert filas["e_herramientas"]["puntos"] == "10" and filas["e_herramientas"]["estado"] == "ok"
    retro = _retro(lote, "f_importa_otro")
    assert "Importas paquete_que_no_existe, que no está en el entorno del curso" in retro
    assert "sin pista en español" not in retro


def test_el_desglose_cuenta_las_llamadas_a_la_referencia(lote):
    assert "de ellos, auxiliares de referencia" in lote["r"].stdout, lote["r"].stdout[-2000:]


# --- Prueba estructural: lo que el calificador escribe en el tubo de órdenes -----------------------

def _lineas_prohibidas():
    """Líneas del cuerpo de las funciones de referencia que no están en ningún cuaderno del estudiante."""
    dado = "".join("".join(c["source"]) for t in TALLERES.values() for c in json.loads(
        (RAIZ / "exercises" / t.id / t.cuaderno).read_text(encoding="utf-8"))["cells"])
    lineas = {linea.strip() for f in verificacion.REFERENCIA.values()
              for linea in _cuerpo(textwrap.dedent(inspect.getsource(f))) if len(linea.strip()) >= 12}
    return {linea for linea in lineas if linea not in dado}


ESTROPEA = {"regla-cadena": "x_ = 1",  # su sigmoide no se califica: siempre la calcula el calificador
            "descenso-gradiente": "costo = gradiente = lambda X, y, theta: 0.0",
            "xor-propagacion": "sigmoide = lambda z: z",
            "xor-retropropagacion": "backProp = lambda *args: (0.0, 0.0, 0.0, 0.0)",
            "sgd-minilotes": "minilotes = lambda orden, tam_lote: [orden[::-1]]\n"
                             "gradienteMinilote = lambda W, b, X, Y, lote: (0.0 * W, 0.0 * b)"}
ESTROPEA_FUNCIONES = {"regla-cadena": (), "descenso-gradiente": ("costo", "gradiente"),
                      "xor-propagacion": ("sigmoide",), "xor-retropropagacion": ("backProp",),
                      "sgd-minilotes": ("minilotes", "gradienteMinilote")}


def _ordenes(tmp_path, monkeypatch, taller_id, extra=None):
    """(resultado, órdenes enviadas al proceso aislado) al calificar el cuaderno del profesor (y ``extra``)."""
    taller = TALLERES[taller_id]
    ruta = RAIZ / "solutions" / "source" / taller_id / taller.cuaderno
    fuente = cuaderno.Fuente.de_cuaderno(ruta)
    programa = cuaderno.construir(cuaderno.leer(ruta), fuente)
    if extra:
        programa.celdas.append(("extra", extra))
    escritas, original = [], mensajes.escribir
    monkeypatch.setattr(proceso, "SERVIDOR", None)
    monkeypatch.setattr(mensajes, "escribir", lambda fd, datos, limite: (escritas.append(bytes(datos)),
                                                                        original(fd, datos, limite))[1])
    carpeta = aislamiento.preparar_carpeta(tmp_path / "e")
    resultado = calificacion.calificar_programa(programa, taller, carpeta, aislamiento.Limites(), fuente.publicas,
                                                fuente.dados)
    ordenes = [json.loads(linea) for datos in escritas for linea in datos.decode().splitlines()]
    assert ordenes[0]["celdas"] == [list(c) for c in programa.celdas]  # el programa, tal cual
    return resultado, ordenes


def test_1_una_auxiliar_que_ya_supero_sus_casos_es_la_del_estudiante(tmp_path, monkeypatch):
    """Con backProp bien, entrenarRed usa la suya: ninguna llamada al calificador."""
    resultado, ordenes = _ordenes(tmp_path, monkeypatch, "xor-retropropagacion")
    assert resultado["puntos"] == 10
    fases = [o for o in ordenes if o.get("tipo") == "fase"]
    assert fases[-1]["propias"] == ["backProp"] and fases[-1]["apoderadas"] == []
    assert not any(o.get("tipo") == "respuesta" for o in ordenes)


@pytest.mark.parametrize("taller_id", list(TALLERES))
def test_1_ninguna_orden_al_proceso_aislado_lleva_codigo_de_referencia(tmp_path, monkeypatch, taller_id):
    """Se califica el cuaderno del profesor con sus auxiliares estropeadas y se guarda cada orden."""
    taller = TALLERES[taller_id]
    # Sus auxiliares calificadas, estropeadas al final: así sus llamadas las atiende el calificador.
    resultado, ordenes = _ordenes(tmp_path, monkeypatch, taller_id, ESTROPEA[taller_id])
    assert resultado["puntos"] == 10 - sum(taller.puntos.get(f, 0) for f in ESTROPEA_FUNCIONES[taller_id]), resultado
    resto = json.dumps(ordenes[1:], ensure_ascii=False)
    prohibidas = _lineas_prohibidas()
    assert len(prohibidas) > 20
    assert not [linea for linea in prohibidas if linea in resto]
    assert "fuentes" not in resto and "def backProp" not in resto
    assert any(o.get("tipo") == "respuesta" for o in ordenes), "no se atendió ninguna llamada"


# --- Piezas: auxiliares en el calificador, textos acotados, lector de mensajes ----------------------

def _llamada(funcion, *args):
    return {"tipo": "llamada", "id": 1, "funcion": funcion, "args": [codec.codificar(a) for a in args]}


def test_1_las_auxiliares_solo_atienden_lo_permitido_y_acotado():
    aux = referencias.Auxiliares()
    bien = aux.responder(_llamada("sigmoide", np.zeros((2, 3))), {"sigmoide"})
    assert np.allclose(codec.decodificar(bien["resultado"]), 0.5)
    assert aux.responder(_llamada("backProp", 1.0), {"sigmoide"})["error"]["tipo"] == "RuntimeError"
    grande = aux.responder(_llamada("sigmoide", np.zeros((2, 2000))), {"sigmoide"})
    assert "2 dimensiones de 1024" in grande["error"]["mensaje"]
    tres = aux.responder(_llamada("sigmoide", np.zeros((2, 2, 2))), {"sigmoide"})
    assert tres["error"]["tipo"] == "ValueError"
    funcion = {"tipo": "llamada", "funcion": "sigmoide", "args": [{"t": "funcion", "codigo": "1"}]}
    assert "error" in aux.responder(funcion, {"sigmoide"})
    mal = aux.responder(_llamada("costoGlobal", np.ones((1, 3)), np.ones((1, 4))), {"costoGlobal"})
    assert mal["error"]["tipo"] == "ValueError"  # el error de numpy vuelve al proceso como tal
    aux.llamadas = referencias.MAX_LLAMADAS
    assert "demasiadas" in aux.responder(_llamada("sigmoide", 0.0), {"sigmoide"})["error"]["mensaje"]


def test_2_un_error_acotado_solo_lleva_tipo_pista_y_datos_permitidos():
    permitidos = texto_acotado.Permitidos({0, 1, 2, 3, 4, 5, 13}, {"w1", "entrenarRed"})
    texto = texto_acotado.error("ValueError: operands could not be broadcast together with shapes (2689,4) (3,1) "
                                "0.2689414213", permitidos)
    assert "2689" not in texto and "formas incompatibles" in texto and "`ValueError`" in texto
    texto = texto_acotado.error("MiError_0_2689: hola", permitidos)
    assert texto.startswith("lanzó un error (`Error`)") and "2689" not in texto
    assert "`w1`" in texto_acotado.error("NameError: name 'w1' is not defined", permitidos)
    assert "zz_0_2689" not in texto_acotado.error("NameError: name 'zz_0_2689' is not defined", permitidos)


def test_2_un_fallo_publico_acotado_solo_lleva_frases_del_profesor():
    frases = texto_acotado.plantillas('raise AssertionError(f"Con 50 épocas, `costos` debe tener 50 elementos y '
                                      'tiene {len(c)}.")\nm = "El costo no baja durante el entrenamiento."')
    permitidos = texto_acotado.Permitidos(set(range(6)), {"costos"})
    assert texto_acotado.fallo_publico("Con 50 épocas, `costos` debe tener 50 elementos y tiene 49.", frases,
                                       permitidos).startswith("Con 50 épocas, `costos` debe tener 50")
    texto = texto_acotado.fallo_publico("El costo no baja durante el entrenamiento. 0.26894142", frases, permitidos)
    assert texto.startswith("El costo no baja") and "2689" not in texto
    texto = texto_acotado.fallo_publico("Con 50 épocas, `costos` debe tener 50 elementos y tiene 0.2689.", frases,
                                        permitidos)
    assert "2689" not in texto
    assert "2689" not in texto_acotado.fallo_publico("FUGA 0.2689", frases, permitidos)


def test_9_el_lector_rechaza_mensajes_de_muchos_objetos_sin_crearlos():
    import threading
    import tracemalloc

    r, w = os.pipe()
    mensaje = (json.dumps({"tipo": "celda_fin", "i": "0", "error": [[]] * 3_000_000}) + "\n").encode()

    def escribir():
        with os.fdopen(w, "wb") as f:
            f.write(mensaje)

    hilo = threading.Thread(target=escribir)
    hilo.start()
    tracemalloc.start()
    try:
        with pytest.raises(mensajes.Caida):
            mensajes.Lector(r).leer(time.monotonic() + 60)
        _, pico = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        hilo.join()
        os.close(r)
    print(f"\nMensaje de {len(mensaje) / 2 ** 20:.0f} MiB con 3 millones de listas: pico de {pico / 2 ** 20:.0f} MiB")
    assert pico < 4 * len(mensaje)  # el mensaje y sus copias en bytes; sin leerlo como JSON


def test_9_los_textos_recibidos_se_convierten_en_texto_acotado():
    mensaje = mensajes.recibido({"tipo": "celda_fin", "i": "0", "error": [[], [], []], "raro": "x" * 10 ** 6,
                                    "avisos": ["a" * 10 ** 5, 3]})
    assert mensaje["error"] == "(el proceso envió algo que no es texto)"
    assert len(mensaje["raro"]) == mensajes.MAX_TEXTO and len(mensaje["avisos"][0]) == mensajes.MAX_TEXTO


FORJA_OBJETOS = """import json, os, sys
_fd = int(sys.argv[2])
_linea = (json.dumps({'tipo': 'celda_fin', 'i': 'x', 'error': [[]] * 2_500_000}) + '\\n').encode()
for _i in range(4):
    os.write(_fd, _linea)
"""


def test_9_memoria_del_calificador_con_errores_de_muchos_objetos(tmp_path, curso):  # noqa: F811
    normal = tmp_path / "normal"
    guardar(entrega(), normal / "control.ipynb")
    _, base_mib = _pico_del_calificador(normal, tmp_path / "s1", curso)
    hostil = tmp_path / "hostil"
    guardar(entrega(), hostil / "control.ipynb")
    guardar(entrega(antes=[FORJA_OBJETOS]), hostil / "forja.ipynb")
    _, hostil_mib = _pico_del_calificador(hostil, tmp_path / "s2", curso)
    print(f"\nPico de memoria del calificador: {base_mib:.0f} MiB con una entrega normal, {hostil_mib:.0f} MiB "
          f"con 4 mensajes de unos 10 MiB hechos de 2,5 millones de listas vacías")
    filas = leer_csv(tmp_path / "s2" / "calificaciones.csv")
    assert filas["control"]["puntos"] == "10" and filas["forja"]["puntos"] == "10"
    assert hostil_mib < base_mib + 60, (base_mib, hostil_mib)
