"""Línea de órdenes del calificador (mensajes en español).

    python -m autograder calificar TALLER ENTREGAS --salida DIR [--trabajos N] [--tiempo-max SEGUNDOS]
    python -m autograder bench [--entregas N]
"""
import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from solutions.talleres import TALLERES

from . import etapas, informes, libro_notas, lms, pagina_estudiante
from .aislamiento import Limites, matar_todos
from .entregas import EntregasInvalidas, extraer_zip, localizar
from .fechas import fechar_desde_zip
from .lote import Lote, escribir_atomico, escribir_csv

RAIZ = Path(__file__).resolve().parents[1]
PLAZO_FIGURAS = 120.0  # segundos de espera a la importación de matplotlib y openpyxl en segundo plano

_TRADUCCIONES = {
    "usage: ": "uso: ",
    "positional arguments": "argumentos posicionales",
    "options": "opciones",
    "optional arguments": "opciones",
    "show this help message and exit": "muestra esta ayuda y termina",
    "the following arguments are required: %s": "faltan estos argumentos: %s",
    "unrecognized arguments: %s": "argumentos no reconocidos: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "opción no válida: %(value)r (elige entre %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argumento %(argument_name)s: %(message)s",
    "expected one argument": "falta su valor",
    "invalid %(type)s value: %(value)r": "valor no válido para %(type)s: %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s: error: %(message)s\n",
    "ambiguous option: %(option)s could match %(matches)s": "opción ambigua: %(option)s puede ser %(matches)s",
    "not allowed with argument %s": "no se permite junto con el argumento %s",
    "expected at least one argument": "falta al menos un valor",
    "expected at most one argument": "sobra algún valor",
    "expected %s argument": "se esperaban %s valores",
    "expected %s arguments": "se esperaban %s valores",
}
argparse._ = lambda texto: _TRADUCCIONES.get(texto, texto)
argparse.ngettext = lambda singular, plural, n: argparse._(singular if n == 1 else plural)


class Analizador(argparse.ArgumentParser):
    """ArgumentParser con los errores en español y una pista de qué hacer."""

    def error(self, mensaje):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {mensaje}\nAyuda: {self.prog} --help\n")


def _entero_positivo(texto):
    try:
        valor = int(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{texto}» no es un número entero") from None
    if valor < 1:
        raise argparse.ArgumentTypeError("debe ser 1 o más")
    return valor


def _segundos(texto):
    try:
        valor = float(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{texto}» no es un número de segundos") from None
    if valor <= 0:
        raise argparse.ArgumentTypeError("debe ser mayor que 0")
    return valor


def analizador():
    principal = Analizador(prog="python -m autograder",
                           description="Calificador automático de los talleres del curso.")
    principal._positionals.title = "órdenes"
    ordenes = principal.add_subparsers(dest="orden", metavar="ORDEN", parser_class=Analizador)
    ordenes.required = True
    cal = ordenes.add_parser(
        "calificar", help="califica un lote de entregas",
        description="Califica las entregas de un taller en procesos aislados y escribe "
                    "calificaciones.csv, la retroalimentación y un resumen en la carpeta de salida.")
    cal.add_argument("taller", metavar="TALLER", help="id del taller: " + ", ".join(TALLERES))
    cal.add_argument("entregas", metavar="ENTREGAS", help="carpeta o .zip con una entrega por estudiante")
    cal.add_argument("--salida", metavar="DIR", required=True, help="carpeta donde se escriben los resultados")
    cal.add_argument("--trabajos", metavar="N", type=_entero_positivo, default=os.cpu_count() or 1,
                     help="entregas calificadas a la vez (por defecto, los núcleos: %(default)s)")
    cal.add_argument("--tiempo-max", metavar="SEGUNDOS", type=_segundos, default=60.0,
                     help="límite de tiempo por celda y por caso de prueba (por defecto %(default)g s)")
    cal.add_argument("--tiempo-total", metavar="SEGUNDOS", type=_segundos, default=None,
                     help="límite de tiempo por entrega (por defecto, 10 veces --tiempo-max)")
    cal.add_argument("--memoria-max", metavar="MiB", type=_entero_positivo, default=2048,
                     help="memoria máxima de cada entrega (por defecto %(default)s MiB)")
    cal.add_argument("--curso", metavar="DIR", default=str(RAIZ / "solutions"),
                     help="directorio del curso nbgrader (cuadernos fuente y gradebook.db; "
                          "por defecto solutions/)")
    cal.add_argument("--sin-gradebook", action="store_true", help="no actualiza el gradebook de nbgrader")
    cal.add_argument("--recalcular", action="store_true",
                     help="vuelve a calificar también las entregas ya calificadas en DIR")
    cal.add_argument("--lista", metavar="alumnos.csv",
                     help="lista de clase (columnas id, nombre, correo): todos tienen fila, aunque no entreguen")
    cal.add_argument("--moodle", metavar="HOJA.csv",
                     help="hoja de calificaciones de la tarea de Moodle; escribe DIR/moodle/hoja-calificada.csv")
    cal.add_argument("--escala", metavar="N", type=_segundos, default=10.0,
                     help="nota máxima en la hoja de Moodle (por defecto %(default)g: de 0 a 10)")
    cal.add_argument("--canvas", metavar="LIBRO.csv",
                     help="libro de calificaciones exportado de Canvas; escribe DIR/canvas/calificaciones-canvas.csv")
    cal.add_argument("--canvas-columna", metavar="NOMBRE",
                     help="cabecera de la columna del taller en el libro de Canvas, p. ej. «Taller 3 (12345)»")
    cal.add_argument("--dask", metavar="DIRECCION", default=None,
                     help="califica en un clúster de Dask ya en marcha (dirección del planificador, "
                          "p. ej. tcp://10.0.0.5:8786); los resultados se escriben aquí")
    cal.add_argument("--desglose", action="store_true",
                     help="muestra al final el tiempo por etapa y la memoria máxima del calificador")
    banco = ordenes.add_parser("bench", help="mide la velocidad frente a nbgrader autograde",
                               description="Genera una clase de entregas de xor-retropropagacion, la califica "
                                           "con este calificador y con nbgrader autograde y compara.")
    banco.add_argument("--entregas", metavar="N", type=_entero_positivo, default=None,
                       help="número de entregas (por defecto 40; con --grande, 1000)")
    banco.add_argument("--grande", action="store_true",
                       help="lote grande solo con este calificador: tiempo, entregas/s y memoria máxima "
                            "con N y con N/10 entregas")
    banco.add_argument("--trabajos", metavar="N", type=_entero_positivo, default=os.cpu_count() or 1,
                       help="entregas calificadas a la vez (por defecto %(default)s)")
    banco.add_argument("--curso", metavar="DIR", default=str(RAIZ / "solutions"),
                       help="directorio del curso nbgrader que se copia (por defecto solutions/)")
    return principal


def _en_segundo_plano(funcion):
    """Ejecuta ``funcion`` en un hilo y lo devuelve; sus errores se ignoran (los dará el paso que la
    necesita, en el hilo principal)."""
    def correr():
        try:
            funcion()
        except Exception:
            pass

    hilo = threading.Thread(target=correr, daemon=True)
    hilo.start()
    return hilo


def _escritor_del_gradebook(lote, lista, destinos, curso, taller):
    """El escritor del gradebook, que recibe cada entrega en cuanto está calificada (desde un hilo)."""
    escritor = libro_notas.Escritor(curso, taller)
    por_id = {e.estudiante: e for e in lista}

    def al_terminar(resultado):
        try:
            entrega = por_id[resultado["estudiante"]]
            destinos.anotar([resultado], [entrega])  # nombre, correo y fecha de entrega
            escritor.poner(resultado, entrega.cuaderno)
        except Exception as error:  # el lote sigue; se informa al final, con el nombre del estudiante
            escritor.fallar(resultado["estudiante"], error)

    lote.al_terminar = al_terminar
    return escritor


def _cerrar_gradebook(escritor, curso, taller, resultados):
    """Espera al escritor del gradebook (con plazo); devuelve (texto para el resumen, avisos)."""
    guardadas, faltan = escritor.terminar()
    avisos = []
    if faltan:
        avisos.append(f"Aviso: {len(faltan)} entregas no se escribieron en el gradebook ("
                      + "; ".join(f"{e}: {m}" for e, m in sorted(faltan.items())[:20])
                      + (f"; y {len(faltan) - 20} más" if len(faltan) > 20 else "")
                      + "). Repite la misma orden para completarlo.")
    if escritor.error is not None:
        return f" No se pudo actualizar el gradebook: {type(escritor.error).__name__}: {escritor.error}.", avisos
    if not resultados:
        return "", avisos
    texto = (f" Gradebook actualizado ({guardadas} entregas) en {curso / 'gradebook.db'}; "
             f"formgrader las muestra desde {curso / 'autograded'}.")
    try:
        pendientes = libro_notas.pendientes_de_revision(curso, taller)
    except Exception as error:  # el lote ya está escrito: se informa y se sigue
        avisos.append(f"Aviso: no se pudo leer el gradebook para ver las revisiones pendientes ({error}).")
        pendientes = []
    if pendientes:
        texto += (f" {len(pendientes)} entregas tienen respuestas con puntos pendientes "
                  "de revisión manual en formgrader.")
    return texto, avisos


def _fallar(mensaje):
    print(f"error: {mensaje}", file=sys.stderr)
    return 2


def calificar(args):
    """Orden ``calificar``; devuelve el código de salida."""
    problema = _problema_de_uso(args)
    if problema:
        return _fallar(problema)
    taller, entregas_ruta, salida = TALLERES[args.taller], Path(args.entregas), Path(args.salida)
    try:
        destinos = lms.Destinos.leer(args)
    except lms.EntradaInvalida as error:
        return _fallar(str(error))
    curso = Path(args.curso)
    fuente = libro_notas.cuaderno_fuente(curso, taller)
    limites = Limites(tiempo_celda=args.tiempo_max,
                      tiempo_total=args.tiempo_total or 10 * args.tiempo_max,
                      memoria=args.memoria_max * 1024 ** 2)
    temporal = Path(tempfile.mkdtemp(prefix="entregas-"))
    try:
        try:
            lista = _localizar(entregas_ruta, taller, temporal)
        except EntregasInvalidas as error:
            return _fallar(str(error))
        lista, ajenos = destinos.completar(lista)
        if not lista:
            print(f"Aviso: no hay ninguna entrega en «{args.entregas}». Se esperaba una carpeta por estudiante "
                  "o un .ipynb por estudiante.", file=sys.stderr)
        if not fuente.is_file():
            print(f"Aviso: no se encontró el cuaderno fuente {fuente}; las celdas dadas no se restituyen "
                  "y no se actualiza el gradebook.", file=sys.stderr)
        errores_del_cluster = ()  # sin --dask no se importa Dask
        if args.dask:
            from .distribuido import ErrorDistribuido, LoteDask

            errores_del_cluster = ErrorDistribuido
            lote = LoteDask(taller, lista, salida, fuente if fuente.is_file() else None, limites, args.trabajos,
                            args.recalcular, raiz_entregas=entregas_ruta, direccion=args.dask)
        else:
            lote = Lote(taller, lista, salida, fuente if fuente.is_file() else None, limites, args.trabajos,
                        args.recalcular, raiz_entregas=entregas_ruta)
        escritor = None
        if not args.sin_gradebook and fuente.is_file():
            escritor = _escritor_del_gradebook(lote, lista, destinos, curso, taller)
        figuras = _en_segundo_plano(informes.preparar_figuras)  # también en paralelo con la calificación
        inicio = time.perf_counter()
        try:
            resultados = lote.ejecutar()
        except errores_del_cluster as error:
            return _fallar(str(error))
        except KeyboardInterrupt:
            matar_todos()
            print("\nInterrumpido. Las entregas ya calificadas están guardadas en "
                  f"{salida / '.entregas'}; repite la misma orden para continuar.", file=sys.stderr)
            sys.stderr.flush()
            os._exit(130)
        pared = time.perf_counter() - inicio
        destinos.anotar(resultados, lista)
        pagina_estudiante.reescribir_con_nombre(resultados, taller, salida, escribir_atomico)  # saludo por su nombre
        escribir_csv(resultados, taller, salida / "calificaciones.csv")
        avisos_lms = destinos.escribir(resultados, taller, salida, ajenos)
        if resultados:
            figuras.join(PLAZO_FIGURAS)  # si no acabó, escribir_resumen importa matplotlib él mismo
            informes.escribir_resumen(resultados, taller, salida, escribir_atomico)
        texto_gradebook, avisos_gradebook = "", []
        if escritor is not None:
            texto_gradebook, avisos_gradebook = _cerrar_gradebook(escritor, curso, taller, resultados)
        avisos_lms += avisos_gradebook
    finally:
        shutil.rmtree(temporal, ignore_errors=True)
    print(resumen_final(resultados, taller, salida) + texto_gradebook)
    for aviso in avisos_lms:
        print(aviso, file=sys.stderr)
    if args.desglose:
        print(etapas.informe(lote.tiempos, pared, time.perf_counter() - inicio - pared))
    _avisar_de_resultados(resultados, taller)
    return 0


def _problema_de_uso(args):
    """Qué está mal en los argumentos de ``calificar`` (en español, con qué hacer), o ``None``."""
    if args.taller not in TALLERES:
        return (f"no existe el taller «{args.taller}». Los talleres son: {', '.join(TALLERES)}.\n"
                f"Ejemplo: python -m autograder calificar xor-retropropagacion entregas/ --salida notas/")
    entregas_ruta, salida = Path(args.entregas), Path(args.salida)
    if not entregas_ruta.exists():
        return (f"no existe «{args.entregas}». Indica la carpeta o el fichero .zip con las entregas "
                "(una por estudiante).")
    if entregas_ruta.is_file() and entregas_ruta.suffix.lower() != ".zip":
        return f"«{args.entregas}» es un fichero pero no un .zip. Indica una carpeta o un .zip."
    if salida.exists() and not salida.is_dir():
        return f"«{args.salida}» existe y no es una carpeta. Elige otra ruta para --salida."
    if salida.resolve() == entregas_ruta.resolve() or entregas_ruta.resolve() in salida.resolve().parents:
        return "la carpeta de --salida no puede estar dentro de las entregas: elige otra."
    if bool(args.canvas) != bool(args.canvas_columna):
        return ("--canvas y --canvas-columna van juntas: el libro exportado de Canvas y la cabecera de la "
                "columna del taller, p. ej. --canvas libro.csv --canvas-columna \"Taller 3 (12345)\".")
    return None


def _localizar(entregas_ruta, taller, temporal):
    """Las entregas de una carpeta o de un .zip (lanza ``EntregasInvalidas`` si el .zip no vale)."""
    if not entregas_ruta.is_file():
        return localizar(entregas_ruta, taller, temporal=temporal / "internos")
    extraidas = extraer_zip(entregas_ruta, temporal / "zip")
    fechar_desde_zip(entregas_ruta, extraidas)  # la fecha de cada entrega en la descarga del LMS
    return localizar(extraidas, taller, desanidar=True, temporal=temporal / "internos")


def _avisar_de_resultados(resultados, taller):
    """Avisos que se deducen del lote entero: ¿es el taller correcto?, ¿el aislamiento fue parcial?"""
    leidas = [r for r in resultados if r["estado"] not in ("sin_entrega", "error")]
    if leidas and all(all(f["falta"] for f in r["funciones"].values()) for r in leidas):
        print(f"Aviso: ninguna entrega define las funciones de {taller.id} ({', '.join(taller.funciones)}). "
              "¿Es el taller correcto?", file=sys.stderr)
    avisos = sorted({a for r in resultados for a in r.get("avisos_aislamiento", [])})
    if avisos:
        print("Atención: el aislamiento fue parcial (" + "; ".join(avisos) + "). Lee «Ante una clase hostil» "
              "en el README antes de calificar entregas de las que no te fías.", file=sys.stderr)


def resumen_final(resultados, taller, salida):
    calificadas = [r for r in resultados if r["estado"] in ("ok", "sospechosa", "tiempo_agotado")]
    con_error = [r for r in resultados if r["estado"] == "error"]
    sin = [r for r in resultados if r["estado"] == "sin_entrega"]
    sospechosas = [r for r in resultados if r["estado"] == "sospechosa"]
    notas = [r["puntos"] for r in resultados if r["estado"] != "sin_entrega"]
    media = sum(notas) / len(notas) if notas else 0.0
    return (f"Taller {taller.id}: {len(resultados)} entregas, {len(calificadas)} calificadas, "
            f"{len(con_error)} con error, {len(sin)} sin entrega, {len(sospechosas)} sospechosas. "
            f"Media: {media:.2f} de {taller.puntos_max:g} puntos. "
            f"Notas en {salida / 'calificaciones.csv'}, retroalimentación en {salida / 'retroalimentacion'}/ "
            f"y resumen en {salida / 'resumen.html'}.")


def main(argv=None):
    # Avisos de obsolescencia de nbgrader y jupyter al importarse: no son asunto del profesor.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    args = analizador().parse_args(argv)
    try:
        if args.orden == "calificar":
            return calificar(args)
        from .banco import main as banco

        return banco(args)
    except Exception:  # un fallo del propio calificador: se explica en español y se deja la traza
        import traceback

        traceback.print_exc()
        print("error: el calificador falló por un error interno (traza arriba). Las entregas ya calificadas "
              "siguen guardadas en la carpeta de salida (.entregas/); repite la orden cuando se corrija.",
              file=sys.stderr)
        return 1
