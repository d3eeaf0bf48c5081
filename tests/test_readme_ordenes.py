"""Las órdenes del profesor del README, tal como están escritas, en una copia nueva del curso (issue 22, punto 3).

Cada bloque de código del README lleva antes un comentario invisible ``<!-- bloque: nombre -->``.
Aquí cada nombre está en ``EJECUTADOS`` (se ejecuta con bash, en la raíz de una copia del último
commit, con el entorno activado como dice el README, y se comprueba lo que dice que produce) o en
``EXCLUIDOS`` (con el motivo, la prueba que ya cubre esa orden y una comprobación barata de que la
orden existe). Un bloque sin marca, o con una marca que no está en ninguna de las dos listas, hace
fallar ``test_cada_bloque_del_readme_esta_marcado_y_clasificado``: el README no puede ganar una orden
que nadie ejecuta.

La copia sale de ``git archive HEAD`` (como una copia nueva: solo lo commiteado) y tiene su propio
``.venv``: un entorno nuevo que reutiliza los paquetes ya instalados del repositorio (un ``.pth``) e
instala el propio curso de la copia, como ``make entorno`` (``pip install -e .``), así que
``python -m autograder``, ``nbgrader`` y ``dask`` de la copia usan el código de la copia.
"""
import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import textwrap
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.banco import muestras
from conftest import RAIZ
from lms_comun import BIEN, MAL, TALLER

README = RAIZ / "README.md"
MARCA = re.compile(r"^\s*<!-- bloque: ([a-z0-9-]+) -->\s*$")
VALLA = re.compile(r"^(\s*)(```+)(\S*)\s*$")

# Los bloques que se ejecutan tal cual (en este orden, en la misma copia: el de nbgrader usa el
# gradebook que deja «calificar», y «recalificar» la calificación de Moodle).
EJECUTADOS = ("calificar", "nbgrader-devolver", "moodle-calificar", "recalificar", "nota-final", "canvas-calificar")


@dataclass(frozen=True)
class Excluido:
    motivo: str      # por qué no se ejecuta aquí
    cubierto: str    # qué prueba ya ejecuta esa orden (fichero::función), o «—»
    comprobar: str   # nombre de la función de abajo que comprueba, barato, que la orden existe


EXCLUIDOS = {
    "empezar": Excluido(
        "«make test» es esta misma batería (se llamaría a sí misma) y «make book» construye el libro "
        "entero (minutos); se comprueba con «make -n» que los dos objetivos existen y lo que ejecutan",
        "tests/test_libro_construye.py::test_el_libro_se_construye_en_espanol (make book); "
        "«make test» lo ejecuta la integración continua en un clon limpio", "comprobar_empezar"),
    "calendario-ejemplo": Excluido(
        "no es una orden, es un fragmento de calendario.yml; se comprueba que el calendario del curso "
        "lo lee tal cual", "tests/test_publicacion.py::test_fechas_con_hora_o_sin_ella_y_retraso_por_taller",
        "comprobar_calendario"),
    "publicar": Excluido(
        "cada «make publicar» busca adaptadores en la edición completa (más de un minuto de CPU cada una); se "
        "comprueba con «make -n» lo que ejecuta cada línea y que «python -m publicacion» admite «--fecha»",
        "tests/test_publicacion.py::test_el_taller_4_se_publica_a_su_hora_conserva_git_y_el_plan_da_la_"
        "siguiente_fecha y ::test_make_publicar_dice_que_comprobo_todas_las_fechas", "comprobar_publicar"),
    "subir-edicion-publica": Excluido(
        "«git push» necesita red y un repositorio de GitHub, y _publico/ lo crea «make publicar»; se "
        "comprueba que git ignora _publico/ en este repositorio, como dice el README",
        "tests/test_publicacion.py::test_el_taller_4_se_publica_a_su_hora_conserva_git_y_el_plan_da_la_"
        "siguiente_fecha (se conserva _publico/.git)", "comprobar_subir"),
    "marcas-de-solucionario": Excluido(
        "no es una orden: son las marcas de MyST de un solucionario en un capítulo",
        "tests/test_publicacion.py::test_un_solucionario_aparece_cuando_termina_su_plazo", "comprobar_nada"),
    "nota-final-salida": Excluido(
        "no es una orden: es lo que imprime «nota-final» cuando falta una revisión en formgrader",
        "tests/test_nota_final.py::test_hoja_de_moodle_con_la_nota_final_y_vacia_si_falta_la_revision",
        "comprobar_salida_nota_final"),
    "canvas-api": Excluido(
        "necesita un Canvas de verdad (canvas.miuni.es) y un token; se comprueba que «calificar» admite "
        "«--canvas-api»",
        "tests/test_canvas_api.py::test_publica_nota_comentario_y_archivo_y_repetir_no_duplica (servidor "
        "en 127.0.0.1 con los extremos de Canvas)", "comprobar_canvas_api"),
    "intercambio-crear": Excluido(
        "necesita sudo y escribe en /srv; se comprueba que solutions/nbgrader_config.py usa esa carpeta "
        "(o NBGRADER_EXCHANGE, que es como la prueba de nbgrader de aquí la sustituye)",
        "tests/test_nbgrader_intercambio.py::test_el_estudiante_recibe_su_retroalimentacion_por_el_intercambio",
        "comprobar_intercambio"),
    "intercambio-configurar-estudiantes": Excluido(
        "no es una orden: es la configuración de nbgrader de los servidores del JupyterHub; se comprueba "
        "que nbgrader la carga y que el id del curso y el intercambio son los de solutions/nbgrader_config.py",
        "tests/test_nbgrader_intercambio.py::test_el_estudiante_recibe_su_retroalimentacion_por_el_intercambio",
        "comprobar_config_estudiantes"),
    "dask-calificar": Excluido(
        "necesita un planificador de Dask en tcp://10.0.0.5:8786, otra máquina; se comprueba que "
        "«calificar» admite «--dask»",
        "tests/test_calificador_dask.py::test_dask_da_lo_mismo_que_local_aunque_muera_un_trabajador y "
        "tests/test_dask_instalado.py::test_dask_como_dice_el_readme_sin_pythonpath_desde_otra_carpeta",
        "comprobar_dask_calificar"),
    "dask-planificador": Excluido(
        "escucha en 10.0.0.5, la dirección de otra máquina, y no termina; se comprueba que el programa de "
        "la orden existe con esa ruta y admite sus opciones",
        "tests/test_dask_instalado.py::test_dask_como_dice_el_readme_sin_pythonpath_desde_otra_carpeta",
        "comprobar_dask_cli"),
    "dask-trabajador": Excluido(
        "se conecta a 10.0.0.5, otra máquina, y no termina; se comprueba que el programa de la orden "
        "existe con esa ruta y admite sus opciones",
        "tests/test_dask_instalado.py::test_dask_como_dice_el_readme_sin_pythonpath_desde_otra_carpeta",
        "comprobar_dask_cli"),
    "slurm-cluster": Excluido(
        "necesita un clúster Slurm y dask-jobqueue (no está en requirements.txt); se comprueba que es "
        "Python válido", "—", "comprobar_python_valido"),
}

# Las líneas de un bloque ejecutado que no se ejecutan, con el motivo.
LINEAS_EXCLUIDAS = {
    "nbgrader-devolver": {
        "jupyter lab": "arranca un servidor que no termina; "
                       "tests/test_nbgrader_intercambio.py::test_formgrader_desde_jupyterlab_arrancado_en_la_"
                       "carpeta_del_curso lo arranca desde solutions/ y abre formgrader",
    },
}


def bloques(texto):
    """[(nombre o None, lenguaje, código sin sangría)] de cada bloque de código del README."""
    encontrados, lineas, i = [], texto.splitlines(), 0
    while i < len(lineas):
        apertura = VALLA.match(lineas[i])
        if not apertura:
            i += 1
            continue
        sangria, valla, lenguaje = apertura.groups()
        marca = MARCA.match(lineas[i - 1]) if i else None
        j = i + 1
        while j < len(lineas) and lineas[j].strip() != valla:
            j += 1
        codigo = textwrap.dedent("\n".join(lineas[i + 1:j])) + "\n"
        encontrados.append((marca.group(1) if marca else None, lenguaje, codigo))
        i = j + 1
    return encontrados


def test_cada_bloque_del_readme_esta_marcado_y_clasificado():
    encontrados = bloques(README.read_text(encoding="utf-8"))
    sin_marca = [codigo.splitlines()[0] for nombre, _, codigo in encontrados if nombre is None]
    assert not sin_marca, f"Bloques del README sin «<!-- bloque: nombre -->» delante: {sin_marca}"
    nombres = [nombre for nombre, _, _ in encontrados]
    assert len(nombres) == len(set(nombres)), f"Nombres de bloque repetidos: {nombres}"
    assert not set(EJECUTADOS) & set(EXCLUIDOS)
    assert set(nombres) == set(EJECUTADOS) | set(EXCLUIDOS), (
        f"Sin clasificar en esta prueba: {sorted(set(nombres) - set(EJECUTADOS) - set(EXCLUIDOS))}; "
        f"ya no están en el README: {sorted(set(EJECUTADOS) | set(EXCLUIDOS) - set(nombres))}")
    for nombre, excluido in EXCLUIDOS.items():
        assert excluido.motivo and excluido.cubierto and callable(globals()[excluido.comprobar]), nombre
    for nombre, lineas in LINEAS_EXCLUIDAS.items():
        codigo = dict((n, c) for n, _, c in encontrados)[nombre]
        for inicio in lineas:
            assert any(linea.startswith(inicio) for linea in codigo.splitlines()), (nombre, inicio)


def test_las_marcas_no_cuelgan_de_un_bloque_que_no_existe():
    """Una marca sin su bloque justo debajo (por ejemplo, tras borrar el bloque) también es un error."""
    lineas = README.read_text(encoding="utf-8").splitlines()
    for n, linea in enumerate(lineas):
        if MARCA.match(linea):
            assert n + 1 < len(lineas) and VALLA.match(lineas[n + 1]), f"Marca sin bloque en la línea {n + 1}"


def test_el_analisis_de_bloques_ve_lo_que_falta():
    """Un bloque sin marca y uno sangrado en una lista se leen como tales (la prueba puede fallar)."""
    texto = ("Texto\n\n```bash\nmake algo\n```\n\n1. Paso:\n\n   <!-- bloque: uno -->\n   ```bash\n"
             "   python -m x \\\n       --y\n   ```\n")
    assert bloques(texto) == [(None, "bash", "make algo\n"), ("uno", "bash", "python -m x \\\n    --y\n")]


# ---------------------------------------------------------------------------------------------
# Las órdenes sueltas en el texto del README (`make pdf`, `nbgrader collect`…).

ARRANQUES = ("make", "python", "nbgrader", "git", "cd", "pip", "jupyter", "jupytext-config", "source", "sudo",
             "dask", "npm", "docker", "cp", "unzip", "calificar")
EN_LINEA = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
# Cada orden suelta: por qué no se ejecuta aquí. Además, test_las_ordenes_sueltas_existen comprueba que
# cada «make X» es un objetivo del Makefile, cada «nbgrader X» una orden de nbgrader y cada
# «python -m M --opción» un módulo que admite esa opción.
ORDENES_EN_TEXTO = {
    "make test": "es esta batería",
    "make book": "construye el libro entero: tests/test_libro_construye.py::test_el_libro_se_construye_en_espanol",
    "make exercises": "regenera los cuadernos con nbgrader: tests/test_talleres.py comprueba que están al día",
    "make publicar": "véase el bloque «publicar»",
    "make bench": "tests/test_calificador_banco.py::test_mismas_notas_que_nbgrader_autograde_y_mas_rapido",
    "make bench-grande": "1000 entregas (minutos); comparte código con «make bench»",
    "make pdf": "construye el libro y lo imprime con Chromium: tests/test_pdf.py",
    "make chromium": "instala un paquete de Debian como root",
    "make limpiar": "borra la caché del libro",
    "make entorno": "es lo que esta prueba reproduce al preparar el .venv de la copia",
    "cd _publico && make book": "tests/test_publicacion.py::test_la_edicion_publica_construye_su_libro_sola",
    "pip install numpy matplotlib scikit-learn jupytext nbgitpuller git+<URL del repositorio público>":
        "se ejecuta en la imagen del JupyterHub y necesita red",
    "pip install -e .": "lo hace «make entorno»: tests/test_curso_instalado.py",
    "git archive HEAD": "describe lo que hace «make publicar»",
    "git add -A && git commit && git push":
        "necesita red y un repositorio de GitHub (bloque «subir-edicion-publica»)",
    "jupytext-config set-default-viewer": "se ejecuta en la imagen del JupyterHub",
    "npm ci": "lo ejecuta «make test» (scripts/asegurar_node.sh)",
    "nbgrader collect": "tests/test_nbgrader_intercambio.py (recoge del intercambio)",
    "nbgrader collect xor-retropropagacion": "tests/test_nbgrader_intercambio.py",
    "nbgrader submit": "la hace el estudiante: tests/test_nbgrader_intercambio.py",
    "nbgrader fetch_feedback": "la hace el estudiante: tests/test_nbgrader_intercambio.py",
    "nbgrader export": "se ejecuta en el bloque «nbgrader-devolver»",
    "cd solutions": "se ejecuta en el bloque «nbgrader-devolver»",
    "python -m autograder nota-final": "se ejecuta en el bloque «nota-final»",
    "nbgrader generate_assignment xor-retropropagacion --force":
        "tests/test_nota_final.py::test_puntos_manuales_sobre_un_gradebook_que_ya_tiene_el_taller",
    "make test TRABAJADORES=4": "es esta batería",
    "make test-rapido": "es parte de esta batería (las pruebas sin la marca lenta)",
    "nbgrader formgrade": "el README dice que ya no existe: tests/test_nbgrader_intercambio.py::"
                          "test_nbgrader_formgrader_no_es_una_orden_y_el_readme_no_la_pide",
    "nbgrader autograde": "la compara «make bench» (tests/test_calificador_banco.py)",
    "nbgrader generate_assignment": "la ejecuta «make exercises» y «make bench»",
    "jupyter lab": "servidor que no termina: tests/test_nbgrader_intercambio.py::"
                   "test_formgrader_desde_jupyterlab_arrancado_en_la_carpeta_del_curso",
    "jupyter labextension list": "diagnóstico de la extensión de nbgrader; no cambia nada",
    "python -m autograder calificar xor-retropropagacion solutions/submitted --salida notas-xor/":
        "necesita entregas recogidas del intercambio: tests/test_nbgrader_intercambio.py las califica así",
    "python -m construccion.generar_cuadernos --estudiante --puntos-manuales 1":
        "regenera los cuadernos con nbgrader (minutos): tests/test_lms_nbgrader.py",
    "calificar --tiempo-max": "opción de «calificar» (la usan el bloque «calificar» y tests/test_calificador.py)",
    "python -m autograder bench --entregas N": "variante de «make bench» con menos entregas (mismo código)",
    "calificar --desglose": "tests/test_calificador_banco.py (el desglose de «make bench»)",
    "python -I": "describe cómo arranca el proceso aislado, no es una orden del profesor",
    "source entrenamiento-redes-neuronales/.venv/bin/activate": "variante del bloque «dask-trabajador»",
    "dask worker": "título de la sección de los bloques «dask-planificador» y «dask-trabajador»",
    "dask worker …": "variante del bloque «dask-trabajador»",
    "cp -p": "orden del sistema para copiar entregas conservando su fecha",
    "docker run --network none --read-only --pids-limit 256 --memory 4g ...":
        "ejemplo de contenedor ante una clase hostil; docker no forma parte del curso",
}


def ordenes_en_texto(texto):
    """Las órdenes de las líneas de texto (fuera de los bloques) del README, en su orden."""
    ordenes, dentro = [], None
    for linea in texto.splitlines():
        valla = VALLA.match(linea)
        if valla and dentro is None:
            dentro = valla.group(2)
            continue
        if dentro is not None:
            dentro = None if linea.strip() == dentro else dentro
            continue
        ordenes += [c.strip() for c in EN_LINEA.findall(linea) if len(c.split()) > 1 and c.split()[0] in ARRANQUES]
    return ordenes


def test_cada_orden_suelta_del_readme_tiene_su_motivo():
    ordenes = set(ordenes_en_texto(README.read_text(encoding="utf-8")))
    assert ordenes == set(ORDENES_EN_TEXTO), (
        f"Órdenes del README sin motivo en esta prueba: {sorted(ordenes - set(ORDENES_EN_TEXTO))}; "
        f"ya no están en el README: {sorted(set(ORDENES_EN_TEXTO) - ordenes)}")


def _objetivos(makefile):
    return set(re.findall(r"^([A-Za-z][\w.-]*):", makefile.read_text(encoding="utf-8"), re.M))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # las de SQLAlchemy al importar nbgrader
def test_las_ordenes_sueltas_existen():
    from nbgrader.apps.nbgraderapp import NbGraderApp

    objetivos = _objetivos(RAIZ / "Makefile")
    publicos = _objetivos(RAIZ / "publicacion" / "plantillas" / "Makefile")
    ayudas = {}
    for orden in ORDENES_EN_TEXTO:
        palabras = orden.split()
        if orden.startswith("cd _publico && make "):
            assert palabras[-1] in publicos, orden
        elif palabras[0] == "make":
            assert palabras[1] in objetivos, f"«{orden}» no es un objetivo del Makefile"
        elif palabras[0] == "nbgrader":
            assert palabras[1] in NbGraderApp.subcommands, f"«{orden}» no es una orden de nbgrader"
        elif palabras[:2] == ["python", "-m"] or palabras[0] == "calificar":
            modulo = "autograder" if palabras[0] == "calificar" else palabras[2]
            argumentos = ["calificar"] if modulo == "autograder" else []
            if modulo == "autograder" and len(palabras) > 3 and palabras[3] in ("bench", "nota-final"):
                argumentos = [palabras[3]]  # otra orden de python -m autograder, con su propia ayuda
            clave = modulo if argumentos in ([], ["calificar"]) else f"{modulo} {argumentos[0]}"
            if clave not in ayudas:
                ayudas[clave] = subprocess.run([sys.executable, "-m", modulo, *argumentos, "--help"], cwd=RAIZ,
                                               capture_output=True, text=True, timeout=120, check=True).stdout
            for opcion in (p for p in palabras if p.startswith("--")):
                assert opcion in ayudas[clave], f"«{orden}»: {opcion} no está en la ayuda de {clave}"
    # Las opciones sueltas del texto (`--moodle HOJA.csv`, `--desde-cero`…) son las de «calificar», las de
    # «nota-final» o las de «construccion.generar_cuadernos» (`--puntos-manuales`).
    opciones = set(re.findall(r"(?<!`)`(--[a-z][a-z-]*)", README.read_text(encoding="utf-8")))
    assert len(opciones) >= 15
    ayuda = set(ayudas["autograder"].split()) | set(ayudas["construccion.generar_cuadernos"].split())
    ayuda |= set(ayudas.get("autograder bench", "").split())
    ayuda |= set(ayudas["autograder nota-final"].split())  # la del bucle (README: `python -m autograder nota-final`)
    assert not opciones - ayuda, f"Opciones del README que no tiene ninguna orden: {opciones - ayuda}"


def test_las_ordenes_sueltas_se_encuentran():
    texto = "Usa `make pdf` y `nbgrader export`; no `numpy`, `make` ni ```` ```python ````.\n```bash\nmake book\n```\n"
    assert ordenes_en_texto(texto) == ["make pdf", "nbgrader export"]


def test_las_pruebas_que_cubren_las_ordenes_existen():
    """Cada «tests/x.py::test_y» citado como cobertura existe (también «y ::test_z», del mismo fichero)."""
    textos = [e.cubierto for e in EXCLUIDOS.values()] + list(ORDENES_EN_TEXTO.values())
    textos += [m for lineas in LINEAS_EXCLUIDAS.values() for m in lineas.values()]
    citadas = 0
    for texto in textos:
        fichero = None
        for nuevo, funcion in re.findall(r"(tests/\w+\.py)?::(test_\w+)", texto):
            fichero = nuevo or fichero
            assert f"def {funcion}(" in (RAIZ / fichero).read_text(encoding="utf-8"), f"{fichero}::{funcion}"
            citadas += 1
        for fichero in re.findall(r"tests/\w+\.py", texto):
            assert (RAIZ / fichero).is_file(), fichero
    assert citadas >= 10


# ---------------------------------------------------------------------------------------------
# La copia del curso y su entorno.

def _entorno_limpio(casa):
    """El entorno de un terminal nuevo: sin el .venv del repositorio, sin PYTHONPATH ni calendario de pruebas."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "VIRTUAL_ENV", "CALIFICADOR_CALENDARIO", "NBGRADER_EXCHANGE", "MAKEFLAGS",
                        "MAKELEVEL", "MFLAGS", "PYTHONHOME"}}
    propio = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "/usr/bin:/bin").split(os.pathsep) if p != propio)
    env.update(HOME=str(casa), LANG="C.UTF-8", LC_ALL="C.UTF-8")
    return env


def _preparar_entorno(copia, env):
    """``copia/.venv``: un entorno nuevo con los paquetes del repositorio y el curso de la copia instalado."""
    venv = copia / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    paquetes = Path(sysconfig.get_paths()["purelib"])
    nuevos = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; "
                                  "print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    # Primero el curso de la copia (lo que hace «pip install -e .»), después los paquetes ya instalados.
    (nuevos / "00-curso-de-la-copia.pth").write_text(f"{copia}\n", encoding="utf-8")
    (nuevos / "01-paquetes-del-repositorio.pth").write_text(
        f"import site; site.addsitedir({str(paquetes)!r})\n", encoding="utf-8")
    # Los programas del entorno (nbgrader, alembic, dask, jupyter…), con el Python de la copia.
    origen = Path(sys.executable).parent
    python_origen = f"#!{origen}/python"
    for programa in origen.iterdir():
        destino = venv / "bin" / programa.name
        if destino.exists() or not programa.is_file():
            continue
        try:
            texto = programa.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        primera, _, resto = texto.partition("\n")
        if primera.startswith(python_origen):
            destino.write_text(f"#!{venv}/bin/python\n{resto}", encoding="utf-8")
            destino.chmod(0o755)
    # Los datos de Jupyter del entorno (plantillas de nbconvert, configuración de las extensiones).
    for carpeta in ("share", "etc"):
        if (origen.parent / carpeta).is_dir():
            (venv / carpeta).symlink_to(origen.parent / carpeta)
    (venv / ".instalado").touch()  # como tras «make entorno»: make no reinstala nada
    # Desde cualquier carpeta, el entorno de la copia importa el curso de la copia, no el del repositorio.
    modulos = subprocess.run([str(venv / "bin" / "python"), "-c", "import autograder, solutions, herramientas; "
                              "print(autograder.__file__, solutions.__file__, herramientas.__file__)"],
                             cwd="/", env=env, capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert all(Path(m).is_relative_to(copia) for m in modulos), modulos


def _zip(ruta, ficheros):
    """Un .zip como los del LMS, con la fecha que el LMS dio a cada fichero (marzo de 2025, en plazo)."""
    ruta.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(ruta, "w") as z:
        for nombre, contenido in ficheros.items():
            z.writestr(zipfile.ZipInfo(nombre, date_time=(2025, 3, 3, 14, 5, 0)), contenido)


def _csv_bytes(filas, bom=True):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(filas)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


# La hoja de Moodle («Descargar hoja de calificaciones»), con las columnas reales (tests/test_lms_moodle.py).
HOJA_MOODLE = ["Identificador", "Nombre completo", "Dirección de correo", "Estado", "Calificación",
               "Calificación máxima", "La calificación puede ser cambiada", "Última modificación (entrega)",
               "Última modificación (calificación)", "Comentarios de retroalimentación"]
PARTICIPANTES = {1001: "María López", 1002: "José Núñez", 1003: "Ana García", 1004: "Luis Pérez"}
# El libro de Canvas exportado (tests/test_lms_canvas.py).
LIBRO_CANVAS = ("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Taller 3 (111),Taller 4 (222),Current Points,"
                "Final Points,Current Score,Final Score\n"
                "    Points Possible,,,,,10.00,20.00,(read only),(read only),(read only),(read only)\n"
                "\"López, María\",5001,A001,mlopez,Grupo 1,9.00,,9.00,9.00,90.00,30.00\n"
                "\"Núñez, José\",5002,A002,jnunez,Grupo 1,7.00,,7.00,7.00,70.00,23.33\n"
                "\"García, Ana\",5003,A003,agarcia,Grupo 2,8.00,3.00,11.00,11.00,36.67,36.67\n")


def _hoja_moodle(entregadas):
    filas = [HOJA_MOODLE]
    for numero, nombre in PARTICIPANTES.items():
        entregada = numero in entregadas
        filas.append([f"Participante {numero}", nombre, f"p{numero}@uni.es",
                      "Enviado para calificar" if entregada else "No entregado", "", "10,00", "Sí",
                      "lunes, 3 de marzo de 2025, 14:05" if entregada else "-", "-", ""])
    return _csv_bytes(filas)


def _preparar_datos(copia, casa):
    """Los ficheros que nombran las órdenes del README: entregas.zip y lo que baja el profesor a ~/Descargas."""
    estudiante = json.loads((copia / "exercises" / TALLER.id / TALLER.cuaderno).read_text(encoding="utf-8"))
    # entregas.zip: una carpeta por estudiante, la clase de ejemplo del banco con su nota esperada.
    clase = muestras.clase(estudiante, len(muestras.MEZCLA))
    _zip(copia / "entregas.zip", {f"{e}/{TALLER.cuaderno}": json.dumps(nb) for e, (nb, _) in clase.items()})

    def cuaderno(soluciones):
        return json.dumps(muestras.rellenar(estudiante, soluciones))

    descargas = casa / "Descargas"
    # Moodle: «Descargar todas las entregas» (con y sin carpetas) y la hoja de calificaciones.
    _zip(descargas / "TALLER-4-descargar.zip", {
        "María López_1001_assignsubmission_file_/xor-retropropagacion.ipynb": cuaderno(BIEN),
        "José Núñez_1002_assignsubmission_file_/mi taller.ipynb": cuaderno(MAL),
        "Ana García_1003_assignsubmission_file_/xor-retropropagacion.ipynb": cuaderno(MAL),
        "Luis Pérez_1004_assignsubmission_file_xor-retropropagacion.ipynb": cuaderno(BIEN),
    })
    (descargas / "Calificaciones-REDES-Taller-4-42.csv").write_bytes(_hoja_moodle({1001, 1002, 1003, 1004}))
    # Recalificar: Ana vuelve a entregar, corregido; la hoja nueva de Moodle.
    _zip(descargas / "reentrega-ana.zip",
         {"Ana García_1003_assignsubmission_file_/xor-retropropagacion.ipynb": cuaderno(BIEN)})
    (descargas / "Calificaciones-nueva.csv").write_bytes(_hoja_moodle({1001, 1002, 1003, 1004}))
    # Canvas: «Descargar entregas» (con un reenvío y una tardía) y el libro exportado.
    _zip(descargas / "submissions.zip", {
        "lopezmaria_5001_90001_xor-retropropagacion.ipynb": cuaderno(MAL),
        "lopezmaria_5001_90077_xor-retropropagacion-1.ipynb": cuaderno(BIEN),
        "nunezjose_late_5002_90010_taller4.ipynb": cuaderno(MAL),
    })
    (descargas / "Calificaciones-REDES.csv").write_bytes(LIBRO_CANVAS.encode("utf-8"))
    return {e: nota for e, (_, nota) in clase.items()}


@pytest.fixture(scope="module")
def copia_curso(tmp_path_factory):
    """Copia nueva del último commit en ``…/entrenamiento-redes-neuronales`` (el nombre que usa el README)."""
    base = tmp_path_factory.mktemp("readme")
    copia = base / "entrenamiento-redes-neuronales"
    copia.mkdir()
    archivo = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=RAIZ, capture_output=True,
                             check=True, timeout=120).stdout
    with tarfile.open(fileobj=io.BytesIO(archivo)) as tar:
        tar.extractall(copia, filter="data")
    casa = base / "casa"
    casa.mkdir()
    env = _entorno_limpio(casa)
    _preparar_entorno(copia, env)
    notas_clase = _preparar_datos(copia, casa)
    intercambio = base / "srv-nbgrader-exchange"  # lo que crea una vez el administrador del hub
    intercambio.mkdir(mode=0o777)
    env["NBGRADER_EXCHANGE"] = str(intercambio)
    codigo = {n: c for n, _, c in bloques((copia / "README.md").read_text(encoding="utf-8"))}
    return {"copia": copia, "casa": casa, "env": env, "codigo": codigo, "notas_clase": notas_clase,
            "intercambio": intercambio}


TIEMPOS = {}  # segundos de reloj de cada bloque ejecutado (se imprimen con «pytest -s»)


def ejecutar(copia_curso, nombre, activar=True):
    """Ejecuta un bloque del README con bash en la raíz de la copia; devuelve (código, salida)."""
    codigo = copia_curso["codigo"][nombre]
    for inicio in LINEAS_EXCLUIDAS.get(nombre, {}):
        codigo = "\n".join(l for l in codigo.splitlines() if not l.startswith(inicio)) + "\n"
    guion = ("source .venv/bin/activate\n" if activar else "") + codigo
    inicio = time.monotonic()
    r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", guion], cwd=copia_curso["copia"], env=copia_curso["env"],
                       capture_output=True, text=True, timeout=600)
    TIEMPOS[nombre] = round(time.monotonic() - inicio, 1)
    salida = r.stdout + r.stderr
    assert r.returncode == 0, f"El bloque «{nombre}» del README falla tal como está escrito:\n{salida[-5000:]}"
    return salida


def _filas(ruta):
    with open(ruta, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------
# Los bloques que se ejecutan.

@pytest.mark.lenta
def test_ordenes_del_profesor_tal_como_estan_en_el_readme(copia_curso):
    copia = copia_curso["copia"]
    notas = copia / "notas-xor"

    # «Calificar»: entregas.zip de la raíz, gradebook en solutions/ (el curso por defecto).
    salida = ejecutar(copia_curso, "calificar")
    filas = {f["estudiante"]: f for f in _filas(notas / "calificaciones.csv")}
    assert {e: float(f["puntos"]) for e, f in filas.items()} == copia_curso["notas_clase"], salida[-3000:]
    for fichero in ("calificaciones.xlsx", "resumen.html", "similitud.csv"):
        assert (notas / fichero).is_file(), fichero
    assert sorted(p.stem for p in (notas / "retroalimentacion").glob("*.html")) == sorted(filas)
    assert (copia / "solutions" / "gradebook.db").is_file()

    # «Devolver la retroalimentación con nbgrader»: desde solutions/, con el entorno que activa el bloque.
    salida = ejecutar(copia_curso, "nbgrader-devolver", activar=False)
    notas_nbgrader = {f["student_id"]: float(f["score"]) for f in _filas(copia / "solutions" / "grades.csv")
                      if f["assignment"] == TALLER.id}
    assert notas_nbgrader == copia_curso["notas_clase"], salida[-3000:]
    assert list((copia / "solutions" / "feedback" / "e000" / TALLER.id).glob("*.html")), salida[-3000:]

    # Moodle: la descarga y la hoja de ~/Descargas; una carpeta de salida nueva.
    shutil.rmtree(notas)
    salida = ejecutar(copia_curso, "moodle-calificar")
    hoja = {f["Identificador"]: f for f in _filas(notas / "moodle" / "hoja-calificada.csv")}
    assert {i: f["Calificación"] for i, f in hoja.items()} == {
        "Participante 1001": "10,00", "Participante 1002": "4,00", "Participante 1003": "4,00",
        "Participante 1004": "10,00"}, salida[-3000:]
    assert "Calificación automática: 4 de 10 puntos" in hoja["Participante 1002"]["Comentarios de retroalimentación"]
    with zipfile.ZipFile(notas / "moodle" / "retroalimentacion.zip") as z:
        assert any(n.startswith("Ana García_1003_assignfeedback_file_/") for n in z.namelist()), z.namelist()

    # «Recalificar a un estudiante»: Ana corrige; el resto de la clase se conserva.
    salida = ejecutar(copia_curso, "recalificar")
    assert "1 entrega recalificada; 3 conservadas de la calificación anterior" in salida, salida[-3000:]
    hoja = {f["Identificador"]: f["Calificación"] for f in _filas(notas / "moodle" / "hoja-calificada.csv")}
    assert hoja == {"Participante 1001": "10,00", "Participante 1002": "4,00", "Participante 1003": "10,00",
                    "Participante 1004": "10,00"}, salida[-3000:]

    # «Nota final»: sin puntos manuales en el taller, la final es la automática y va a la hoja de Moodle.
    salida = ejecutar(copia_curso, "nota-final")
    assert f"Nota final de {TALLER.id} (automática sobre 10 + revisión manual sobre 0 = 10 puntos" in salida
    assert "4 entregas con nota final, 0 sin nota final" in salida, salida[-3000:]
    filas = {f["estudiante"]: f for f in _filas(notas / "calificaciones.csv")}
    assert {e: (float(f["puntos"]), f["revision_manual"]) for e, f in filas.items()} == {
        "1001": (10, "sin_puntos"), "1002": (4, "sin_puntos"), "1003": (10, "sin_puntos"),
        "1004": (10, "sin_puntos")}, salida[-3000:]
    hoja = {f["Identificador"]: f["Calificación"] for f in _filas(notas / "moodle" / "hoja-calificada.csv")}
    assert hoja["Participante 1003"] == "10,00", salida[-3000:]

    # Canvas: la descarga (con un reenvío y una tardía) y el libro exportado.
    shutil.rmtree(notas)
    salida = ejecutar(copia_curso, "canvas-calificar")
    filas = {f["estudiante"]: f for f in _filas(notas / "calificaciones.csv")}
    assert {e: (float(f["puntos"]), f["nombre"], f["tarde"]) for e, f in filas.items()} == {
        "5001": (10, "López, María", "no"), "5002": (4, "Núñez, José", "sí")}, salida[-3000:]
    importacion = list(csv.reader(io.StringIO(
        (notas / "canvas" / "calificaciones-canvas.csv").read_text(encoding="utf-8-sig"))))
    assert importacion[0][-1] == "Taller 4 (222)"
    assert {fila[1]: float(fila[-1]) for fila in importacion[2:]} == {"5001": 20, "5002": 8,
                                                                        "5003": 3}  # sin entrega: como estaba
    print("Segundos por bloque del README:", TIEMPOS)


# ---------------------------------------------------------------------------------------------
# Los bloques que no se ejecutan: que la orden exista.

def _en_copia(copia_curso, orden, **kw):
    r = subprocess.run(["bash", "-c", orden], cwd=kw.get("cwd", copia_curso["copia"]), env=copia_curso["env"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"{orden}:\n{r.stdout[-2000:]}{r.stderr[-2000:]}"
    return r.stdout + r.stderr


def comprobar_empezar(copia_curso, codigo):
    for linea in codigo.splitlines():
        objetivo = linea.split("#")[0].split()[1]
        salida = _en_copia(copia_curso, f"make -n {objetivo}")
        assert {"book": "jupyter-book build", "test": "python -m pytest tests"}[objetivo] in salida, salida


def comprobar_calendario(copia_curso, codigo):
    from publicacion import calendario

    ruta = copia_curso["casa"] / "calendario-ejemplo.yml"
    ruta.write_text(codigo, encoding="utf-8")
    leido = calendario.leer(ruta)
    assert leido.retraso == calendario.Retraso(10, 3)
    assert leido["descenso-gradiente"].entrega.strftime("%Y-%m-%d %H:%M") == "2027-02-28 23:59"


def comprobar_publicar(copia_curso, codigo):
    for linea in codigo.splitlines():
        palabras = shlex.split(linea, comments=True)
        assert palabras[:2] == ["make", "publicar"], linea
        salida = _en_copia(copia_curso, "make -n " + shlex.join(palabras[1:]))
        fecha = dict(p.split("=", 1) for p in palabras[2:]).get("FECHA")
        assert "python -m publicacion" + (f' --fecha "{fecha}"' if fecha else "") in salida, salida
    assert "--fecha" in _en_copia(copia_curso, "source .venv/bin/activate && python -m publicacion --help")


def comprobar_subir(copia_curso, codigo):
    assert codigo.startswith("cd _publico\n") and "git push" in codigo
    _en_copia(copia_curso, "git init -q . && git check-ignore -q _publico/")


def comprobar_nada(copia_curso, codigo):
    assert "% solucionario:" in codigo


def _ayuda_calificar(copia_curso):
    if "ayuda" not in copia_curso:  # una sola vez para los bloques que la usan
        copia_curso["ayuda"] = _en_copia(copia_curso,
                                         "source .venv/bin/activate && python -m autograder calificar --help")
    return copia_curso["ayuda"]


def comprobar_salida_nota_final(copia_curso, codigo):
    assert codigo.startswith(f"Nota final de {TALLER.id} (automática sobre 10 + revisión manual sobre ")
    assert "revisión pendiente" in codigo and "\nAviso: 1 entrega tiene la revisión manual pendiente" in codigo


def comprobar_canvas_api(copia_curso, codigo):
    assert "--canvas-api" in codigo and "--canvas-api" in _ayuda_calificar(copia_curso)


def comprobar_intercambio(copia_curso, codigo):
    assert "/srv/nbgrader/exchange" in codigo
    config = (copia_curso["copia"] / "solutions" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "/srv/nbgrader/exchange" in config and "NBGRADER_EXCHANGE" in config


def comprobar_config_estudiantes(copia_curso, codigo):
    from traitlets.config.loader import PyFileConfigLoader

    carpeta = copia_curso["casa"] / "etc-jupyter"
    carpeta.mkdir(exist_ok=True)
    (carpeta / "nbgrader_config.py").write_text(codigo, encoding="utf-8")
    estudiante = PyFileConfigLoader("nbgrader_config.py", path=str(carpeta)).load_config()
    env = {k: v for k, v in copia_curso["env"].items() if k != "NBGRADER_EXCHANGE"}
    profesor = subprocess.run(
        [str(copia_curso["copia"] / ".venv" / "bin" / "python"), "-c",
         "from traitlets.config.loader import PyFileConfigLoader as L; "
         "c = L('nbgrader_config.py', path='.').load_config(); "
         "print(c.CourseDirectory.course_id); print(c.Exchange.root)"],
        cwd=copia_curso["copia"] / "solutions", env=env, capture_output=True, text=True, check=True).stdout.split()
    assert [estudiante.CourseDirectory.course_id, estudiante.Exchange.root] == profesor


def comprobar_dask_calificar(copia_curso, codigo):
    assert "--dask" in codigo and "--dask" in _ayuda_calificar(copia_curso)


def comprobar_dask_cli(copia_curso, codigo):
    palabras = shlex.split(codigo.split("#")[0].replace("$(nproc)", "2"))
    programa, suborden, opciones = palabras[0], palabras[1], [p for p in palabras if p.startswith("--")]
    ayuda = _en_copia(copia_curso, f"{programa} {suborden} --help", cwd=copia_curso["copia"].parent)
    for opcion in opciones:
        assert opcion in ayuda, (opcion, ayuda)


def comprobar_python_valido(copia_curso, codigo):
    compile(codigo, "clúster.py", "exec")


@pytest.mark.lenta
@pytest.mark.parametrize("nombre", sorted(EXCLUIDOS))
def test_las_ordenes_que_no_se_ejecutan_existen(copia_curso, nombre):
    globals()[EXCLUIDOS[nombre].comprobar](copia_curso, copia_curso["codigo"][nombre])
