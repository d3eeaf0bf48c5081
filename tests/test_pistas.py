"""Cada error típico, como lo vive el estudiante: su cuaderno ejecutado y su retroalimentación.

Para cada entrega del corpus (tests/corpus_talleres.py: un error típico en una función, o
variantes correctas) se construye el cuaderno del estudiante (el de exercises/, con las demás
funciones bien), se ejecuta de arriba abajo con nbclient, como lo haría el estudiante, y se
califica con el calificador real (``python -m autograder calificar``). Se comprueba que:

- la celda de pruebas públicas de la función rota falla con la pista en español (``PISTAS``),
  y la retroalimentación del calificador muestra la misma pista;
- ningún mensaje (de las pruebas públicas o de la retroalimentación) contiene un error de
  numpy o de Python en inglés, salvo tras «Mensaje original:»;
- el cuaderno, el criterio de ``nbgrader validate`` (su ``Validator``, sobre el cuaderno
  ejecutado) y el calificador dan el mismo veredicto de pruebas públicas en cada función;
- la celda final de autocomprobación resume lo mismo, con la pista completa.
"""
import atexit
import concurrent.futures
import copy
import functools
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import nbformat
import pytest
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from conftest import RAIZ, entorno_de_ordenes
from corpus_talleres import OCULTAS, PISTAS
from solutions.talleres import TALLERES
from talleres_nbgrader import _entrega, entregas_del_corpus

# nbgrader (al importarse) avisa de usos obsoletos de SQLAlchemy que no son nuestros.
# lenta: ejecuta cada cuaderno del corpus con un núcleo de Jupyter y nbgrader validate.
pytestmark = [pytest.mark.lenta, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

ENTREGAS = entregas_del_corpus()
MUTANTES = [e for e in ENTREGAS if e[3] is not None]
#: Fragmentos de errores de numpy y de Python en inglés que nunca deben llegar solos al estudiante.
INGLES = ("truth value of an array", "could not be broadcast", "mismatch in its core dimension",
          "not aligned", "can be converted to Python scalars", "Conversion of an array", "encountered in",
          "NoneType", "is not defined", "values to unpack", "out of bounds", "positional argument",
          "object is not", "has no attribute")
_ORIGINAL = re.compile(r"\(?Mensaje original:.*?(\)(?=\s|$)|$)", re.S | re.I)


def _grade_id(celda):
    return celda.metadata.get("nbgrader", {}).get("grade_id", "")


def _sin_ansi(texto):
    return re.sub(r"\x1b\[[0-9;]*m", "", texto)


def _cuaderno(taller, codigo):
    estudiante = nbformat.read(RAIZ / "exercises" / taller / TALLERES[taller].cuaderno, as_version=4)
    profesor = nbformat.read(RAIZ / "solutions" / "source" / taller / TALLERES[taller].cuaderno, as_version=4)
    return _entrega(estudiante, profesor, codigo)


#: Primera celda de cada cuaderno en un núcleo reutilizado: lo deja como recién arrancado. La primera
#: vez guarda el estado del núcleo nuevo (fuera del espacio de nombres del usuario); las siguientes lo
#: restauran (carpeta, sys.path, filtros de avisos, estado de numpy, entorno, generadores aleatorios) y
#: ``%reset -f`` borra todo lo que definió el cuaderno anterior (variables, funciones, módulos importados
#: con su nombre, In/Out).
_LIMPIAR = """
import sys as _sys
if not hasattr(_sys, "_estado_del_nucleo_nuevo"):
    import os as _os, warnings as _warnings, numpy as _np
    _sys._estado_del_nucleo_nuevo = {
        "cwd": _os.getcwd(), "path": list(_sys.path), "filtros": list(_warnings.filters),
        "entorno": dict(_os.environ), "errores": _np.geterr(), "impresion": _np.get_printoptions(),
        "recursion": _sys.getrecursionlimit()}
else:
    import os as _os, random as _random, warnings as _warnings, numpy as _np
    _estado = _sys._estado_del_nucleo_nuevo
    _os.chdir(_estado["cwd"])
    _sys.path[:] = _estado["path"]
    _warnings.filters[:] = _estado["filtros"]
    _warnings._filters_mutated()  # olvida los avisos «ya mostrados» del cuaderno anterior
    _os.environ.clear()
    _os.environ.update(_estado["entorno"])
    _np.seterr(**_estado["errores"])
    _np.set_printoptions(**_estado["impresion"])
    _sys.setrecursionlimit(_estado["recursion"])
    _np.random.seed(None)  # como un núcleo nuevo: semillas del sistema operativo
    _random.seed()
get_ipython().run_line_magic("reset", "-f")
"""


def _ejecutar_en_nucleos(cuadernos, carpeta, hilos=2):
    """Ejecuta ``cuadernos`` (se modifican) de arriba abajo, como el estudiante, con un núcleo por hilo.

    Arrancar un núcleo de Jupyter cuesta más CPU que ejecutar uno de estos cuadernos: cada hilo arranca
    uno y lo reutiliza, limpiándolo antes de cada cuaderno (``_LIMPIAR``). Si un cuaderno mata su núcleo,
    ese cuaderno se repite en uno nuevo y el hilo sigue con otro núcleo nuevo.
    """
    pendientes = list(cuadernos)
    cerrojo = threading.Lock()

    def cliente(nb, km):
        return NotebookClient(nb, km=km, timeout=300, kernel_name="python3", allow_errors=True,
                              resources={"metadata": {"path": str(carpeta)}})

    def ejecutar(nb, km, kc):
        nb.cells.insert(0, nbformat.v4.new_code_cell(_LIMPIAR))
        c = cliente(nb, km)
        c.kc = kc
        try:
            c.execute()
        finally:
            limpieza = nb.cells.pop(0)
        errores = [o for o in limpieza.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not errores, f"no se pudo limpiar el núcleo: {errores}"
        return c.kc

    def trabajador():
        km = kc = None
        while True:
            with cerrojo:
                if not pendientes:
                    break
                nb = pendientes.pop(0)
            original = copy.deepcopy(nb)
            try:
                if km is None:
                    km = cliente(nb, None).create_kernel_manager()
                kc = ejecutar(nb, km, kc)
            except Exception:  # el núcleo murió o dejó de responder: ese cuaderno, otra vez en uno nuevo
                _parar(km, kc)
                km = kc = None
                nb.cells[:] = original.cells
                cliente(nb, None).execute()
        _parar(km, kc)

    with concurrent.futures.ThreadPoolExecutor(hilos) as ejecutor:
        for futuro in [ejecutor.submit(trabajador) for _ in range(hilos)]:
            futuro.result()
    return cuadernos


def _parar(km, kc):
    if kc is not None:
        kc.stop_channels()
    if km is not None and km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def _publicas_del_cuaderno(nb):
    """{función: mensaje de error de su celda de pruebas o None si pasa}."""
    resultado = {}
    for celda in nb.cells:
        gid = _grade_id(celda)
        if gid.endswith("_pruebas"):
            errores = [o for o in celda.outputs if o.output_type == "error"]
            stderr = [o for o in celda.outputs if o.get("name") == "stderr"]
            if errores:
                resultado[gid[: -len("_pruebas")]] = _sin_ansi(errores[0].evalue) or errores[0].ename
            elif stderr:
                resultado[gid[: -len("_pruebas")]] = "stderr: " + stderr[0].text
            else:
                resultado[gid[: -len("_pruebas")]] = None
    return resultado


def _fallidas_segun_nbgrader(nb):
    """Celdas de pruebas que ``nbgrader validate`` da por fallidas (su propio criterio)."""
    from nbgrader.validator import Validator

    return {_grade_id(c)[: -len("_pruebas")] for c in Validator()._get_failed_cells(nb)}


def _autocomprobacion(nb):
    celda = next(c for c in nb.cells if _grade_id(c) == "autocomprobacion")
    return "".join(o.get("text", "") for o in celda.outputs if o.output_type == "stream")


def _retroalimentacion(texto_html):
    """{función: [texto de cada fallo]} de la página de retroalimentación, sin etiquetas."""
    resultado = {}
    for funcion, lista in re.findall(r"<h2>Qué falló en <code>(\w+)</code></h2><ul>(.*?)</ul>", texto_html, re.S):
        resultado[funcion] = [html.unescape(re.sub(r"<[^>]+>", "", li))
                              for li in re.findall(r"<li>(.*?)</li>", lista, re.S)]
    return resultado


@functools.cache
def corpus_ejecutado():
    """Ejecuta y califica todo el corpus una vez: {estudiante: datos}."""
    raiz = Path(tempfile.mkdtemp(prefix="pistas_"))
    atexit.register(shutil.rmtree, raiz, ignore_errors=True)
    entregas = {}
    for estudiante, taller, codigo, funcion, descripcion in ENTREGAS:
        nb = _cuaderno(taller, codigo)
        ruta = raiz / "entregas" / taller / f"{estudiante}.ipynb"
        ruta.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, ruta)
        entregas[estudiante] = {"taller": taller, "funcion": funcion, "descripcion": descripcion, "nb": nb}

    previo = dict(os.environ)
    os.environ.update(entorno_de_ordenes())
    os.environ["MPLBACKEND"] = "Agg"
    try:
        ejecutados = dict(zip(entregas, _ejecutar_en_nucleos(
            [copy.deepcopy(datos["nb"]) for datos in entregas.values()], raiz)))
    finally:
        os.environ.clear()
        os.environ.update(previo)
    for estudiante, nb in ejecutados.items():
        datos = entregas[estudiante]
        datos["publicas"] = _publicas_del_cuaderno(nb)
        datos["nbgrader"] = _fallidas_segun_nbgrader(nb)
        datos["autocomprobacion"] = _autocomprobacion(nb)

    for taller in TALLERES:
        salida = raiz / "notas" / taller
        resultado = subprocess.run(
            [sys.executable, "-m", "autograder", "calificar", taller, str(raiz / "entregas" / taller),
             "--salida", str(salida), "--sin-gradebook"],
            cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True, timeout=900)
        assert resultado.returncode == 0, resultado.stdout + resultado.stderr
        for estudiante, datos in entregas.items():
            if datos["taller"] == taller:
                pagina = (salida / "retroalimentacion" / f"{estudiante}.html").read_text(encoding="utf-8")
                datos["retro"] = _retroalimentacion(pagina)
                datos["pagina"] = pagina
    return entregas


def _sin_original(texto):
    return _ORIGINAL.sub("", texto)


@pytest.mark.parametrize("estudiante,taller,codigo,funcion,descripcion", MUTANTES,
                         ids=[f"{e[1]}:{e[3]}:{e[4]}" for e in MUTANTES])
def test_la_pista_del_cuaderno_y_la_del_calificador_nombran_el_error(estudiante, taller, codigo, funcion,
                                                                       descripcion):
    datos = corpus_ejecutado()[estudiante]
    pista = PISTAS[(funcion, descripcion)]
    retro = " ".join(datos["retro"].get(funcion, []))
    if pista == OCULTAS:  # pasa las públicas: lo detectan los casos ocultos del calificador
        assert datos["publicas"][funcion] is None, datos["publicas"][funcion]
        assert datos["retro"].get(funcion), f"el calificador no dice qué falla en {funcion}"
        return
    mensaje = datos["publicas"][funcion]
    assert mensaje is not None, f"las pruebas públicas de {funcion} no detectan «{descripcion}»"
    assert pista in mensaje, f"la celda de pruebas de {funcion} no da la pista «{pista}»; dice:\n{mensaje}"
    # La retroalimentación muestra como código lo que va entre `comillas invertidas`.
    assert pista.replace("`", "") in retro, f"la retroalimentación de {funcion} no da la pista «{pista}»; dice:\n{retro}"
    assert f"✗ {funcion}: falla. {mensaje}" in datos["autocomprobacion"], datos["autocomprobacion"]


@pytest.mark.parametrize("estudiante", [e[0] for e in ENTREGAS], ids=[f"{e[1]}:{e[0]}" for e in ENTREGAS])
def test_cuaderno_nbgrader_validate_y_calificador_dan_el_mismo_veredicto(estudiante):
    datos = corpus_ejecutado()[estudiante]
    cuaderno = {f for f, m in datos["publicas"].items() if m is not None}
    calificador = {f for f, fallos in datos["retro"].items()
                   if any(x.startswith("Con las pruebas públicas del cuaderno") for x in fallos)}
    autocomprobacion = set(re.findall(r"^✗ (\w+): falla", datos["autocomprobacion"], re.M))
    assert cuaderno == datos["nbgrader"] == calificador == autocomprobacion, (cuaderno, datos["nbgrader"],
                                                                              calificador, autocomprobacion)
    if datos["funcion"] is None:  # variantes correctas: todo pasa
        assert cuaderno == set() and not datos["retro"], datos["retro"]
    else:
        assert cuaderno <= {datos["funcion"]}, f"«{datos['descripcion']}» hace fallar otras funciones: {cuaderno}"


@pytest.mark.parametrize("estudiante", [e[0] for e in ENTREGAS], ids=[f"{e[1]}:{e[0]}" for e in ENTREGAS])
def test_ningun_mensaje_lleva_un_error_en_ingles(estudiante):
    datos = corpus_ejecutado()[estudiante]
    mensajes = [m for m in datos["publicas"].values() if m] + [x for v in datos["retro"].values() for x in v]
    mensajes.append(datos["autocomprobacion"])
    mensajes.append(html.unescape(re.sub(r"<[^>]+>", "", datos["pagina"])))  # toda la retroalimentación
    for mensaje in mensajes:
        resto = _sin_original(mensaje)
        assert not [t for t in INGLES if t in resto], f"mensaje con un error en inglés sin traducir:\n{mensaje}"


def test_la_autocomprobacion_resume_el_taller_en_poco_tiempo(capsys):
    """La celda final dice, por función, si pasa; tarda poco (se informa del tiempo máximo)."""
    tiempos = []
    for estudiante, datos in corpus_ejecutado().items():
        texto = datos["autocomprobacion"]
        total = len(TALLERES[datos["taller"]].puntos)
        resumen = re.search(r"(\d+) de (\d+) funciones pasan sus pruebas públicas \((\d+\.\d) s\)", texto)
        assert resumen and int(resumen.group(2)) == total, texto
        assert len(re.findall(r"^[✓✗] \w+: ", texto, re.M)) == total, texto
        tiempos.append(float(resumen.group(3)))
    with capsys.disabled():
        print(f"\nAutocomprobación: {len(tiempos)} cuadernos, tiempo máximo {max(tiempos):.1f} s, "
              f"mediana {sorted(tiempos)[len(tiempos) // 2]:.1f} s.")
    assert max(tiempos) < 20


def test_la_orden_nbgrader_validate_da_el_mismo_veredicto_que_el_cuaderno(tmp_path):
    """El caso del issue: `float()` de un arreglo de forma (1,) solo avisaba (DeprecationWarning).

    Ahora el cuaderno lo da por fallido con una pista en español, la orden ``nbgrader validate``
    también (y acepta una variante correcta), y el calificador le quita los puntos
    (test_cuaderno_nbgrader_validate_y_calificador_dan_el_mismo_veredicto).
    """
    aviso = next(e for e in ENTREGAS if e[4] == "float() de un arreglo de forma (1,)")
    correcta = next(e for e in ENTREGAS if e[3] is None and e[1] == aviso[1])
    rutas = []
    for estudiante, taller, codigo, _, _ in (aviso, correcta):
        rutas.append(tmp_path / f"{estudiante}.ipynb")
        nbformat.write(_cuaderno(taller, codigo), rutas[-1])
    resultado = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "validate", *map(str, rutas)],
                               cwd=RAIZ / "solutions", env=entorno_de_ordenes(), capture_output=True, text=True,
                               timeout=600)
    salida = resultado.stdout + resultado.stderr
    assert salida.count("Success! Your notebook passes all the tests.") == 1, salida[-3000:]
    assert "VALIDATION FAILED ON 1 CELL(S)!" in salida and "Conviertes en número" in salida, salida[-3000:]
    assert corpus_ejecutado()[aviso[0]]["publicas"]["costoGlobal"].startswith("`costoGlobal`: Conviertes en número")


def test_un_nucleo_reutilizado_no_deja_ver_nada_del_cuaderno_anterior(tmp_path):
    """``_ejecutar_en_nucleos`` reutiliza el núcleo: el cuaderno siguiente no ve nada del anterior.

    Un ``NameError`` (p. ej. una función que el estudiante no definió) no lo tapa lo que definió otro
    cuaderno, y el estado que un cuaderno cambia (avisos como errores, numpy, carpeta) vuelve a ser el
    de un núcleo nuevo.
    """
    ensuciar = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, warnings\nimport numpy as np\nsecreto = 42\ndef feedForward(*a):\n    return 1\n"
        "warnings.simplefilter('error')\nnp.seterr(all='raise')\nos.chdir('/')\nprint(os.getpid())")])
    comprobar = [
        "import os\nprint(os.getpid())",
        "secreto", "feedForward(1)", "np",
        "import warnings, numpy\nprint(warnings.filters[0][0] != 'error' or warnings.filters[0][2] is not Warning,"
        " numpy.geterr()['divide'], os.getcwd())",
    ]
    cuadernos = [ensuciar] + [nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in comprobar])
                              for _ in range(2)]
    _ejecutar_en_nucleos(cuadernos, tmp_path, hilos=1)

    def texto(celda):
        return "".join(o.get("text", "") for o in celda.outputs)
    pid = texto(ensuciar.cells[0])
    for nb in cuadernos[1:]:
        assert texto(nb.cells[0]) == pid, "los cuadernos no se ejecutaron en el mismo núcleo"
        for celda in nb.cells[1:4]:
            assert [o.get("ename") for o in celda.outputs] == ["NameError"], celda.outputs
        assert texto(nb.cells[4]) == f"True warn {tmp_path}\n", nb.cells[4].outputs
