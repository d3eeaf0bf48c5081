"""Línea de órdenes del calificador (mensajes en español).

    python -m autograder calificar TALLER ENTREGAS --salida DIR [--trabajos N] [--tiempo-max SEGUNDOS]
    python -m autograder nota-final TALLER --salida DIR [--curso DIR]
    python -m autograder bench [--entregas N]
"""
import argparse
import os
import sys
import warnings
from pathlib import Path

from solutions.talleres import TALLERES

from .calificacion import credito
from .calificar import calificar

RAIZ = Path(__file__).resolve().parents[1]

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
    cal.add_argument("--escala", metavar="N", type=_segundos, default=None,
                     help="nota máxima en la hoja de Moodle (por defecto, su «Calificación máxima»; si no la "
                          "tiene, 10)")
    cal.add_argument("--canvas", metavar="LIBRO.csv",
                     help="libro de calificaciones exportado de Canvas; escribe DIR/canvas/calificaciones-canvas.csv")
    cal.add_argument("--canvas-columna", metavar="NOMBRE",
                     help="cabecera de la columna del taller en el libro de Canvas, p. ej. «Taller 3 (12345)»")
    cal.add_argument("--calendario", metavar="FICHERO", default=os.environ.get("CALIFICADOR_CALENDARIO"),
                     help="calendario con el plazo de entrega del taller y la política de retrasos (por "
                          "defecto, calendario.yml del curso, o el de la variable CALIFICADOR_CALENDARIO)")
    cal.add_argument("--desde-cero", action="store_true",
                     help="olvida la calificación anterior de DIR (por defecto se conservan las filas de los "
                          "estudiantes que no se califican ahora)")
    cal.add_argument("--canvas-api", metavar="URL", default=None,
                     help="publica cada nota con un comentario y su retroalimentación en la tarea de Canvas "
                          "de esa dirección (p. ej. https://canvas.miuni.es/courses/123/assignments/456), "
                          "con el token de la variable de entorno CANVAS_TOKEN")
    cal.add_argument("--dask", metavar="DIRECCION", default=None,
                     help="califica en un clúster de Dask ya en marcha (dirección del planificador, "
                          "p. ej. tcp://10.0.0.5:8786); los resultados se escriben aquí")
    cal.add_argument("--credito", choices=credito.MODOS, default="todo",
                     help="puntos de cada función: «todo» (por defecto) solo si supera todos sus casos ocultos; "
                          "«proporcional», por la fracción de casos ocultos que supera")
    cal.add_argument("--desglose", action="store_true",
                     help="muestra al final el tiempo por etapa y la memoria máxima del calificador")
    _orden_nota_final(ordenes)
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


def _orden_nota_final(ordenes):
    final = ordenes.add_parser(
        "nota-final", help="lleva al LMS la nota final: automática + revisión manual en formgrader + retrasos",
        description="Lee la calificación de DIR y los puntos que pusiste a mano en formgrader (gradebook de "
                    "nbgrader), aplica la política de retrasos a la nota total y reescribe calificaciones.csv, "
                    "el .xlsx, la hoja de Moodle y el CSV de Canvas con la nota final. Las entregas con la "
                    "revisión manual pendiente quedan sin nota final y se avisan.")
    final.add_argument("taller", metavar="TALLER", help="id del taller: " + ", ".join(TALLERES))
    final.add_argument("--salida", metavar="DIR", required=True, help="carpeta de la calificación (la de calificar)")
    final.add_argument("--curso", metavar="DIR", default=str(RAIZ / "solutions"),
                       help="directorio del curso nbgrader con gradebook.db (por defecto solutions/)")
    final.add_argument("--calendario", metavar="FICHERO", default=os.environ.get("CALIFICADOR_CALENDARIO"),
                       help="calendario con la política de retrasos (por defecto, el que usa calificar)")
    final.add_argument("--moodle", metavar="HOJA.csv", help="hoja de Moodle (por defecto, la de la calificación)")
    final.add_argument("--escala", metavar="N", type=_segundos, default=None,
                       help="nota máxima en la hoja de Moodle (por defecto, la de la calificación o la de la hoja)")
    final.add_argument("--canvas", metavar="LIBRO.csv", help="libro de Canvas (por defecto, el de la calificación)")
    final.add_argument("--canvas-columna", metavar="NOMBRE", help="columna del taller en el libro de Canvas")
    final.set_defaults(lista=None)


def _nota_final(args):
    from .salidas import nota_final

    if args.taller not in TALLERES:
        print(f"error: no existe el taller «{args.taller}». Los talleres son: {', '.join(TALLERES)}.", file=sys.stderr)
        return 2
    try:
        lineas, avisos = nota_final.nota_final(args)
    except nota_final.NotaFinalImposible as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from .calificar import ficheros_para_el_lms

    print("\n".join(lineas + [ficheros_para_el_lms(Path(args.salida))]))
    for aviso in avisos:
        print(aviso, file=sys.stderr)
    return 0


def main(argv=None):
    # Avisos de obsolescencia de nbgrader y jupyter al importarse: no son asunto del profesor.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    args = analizador().parse_args(argv)
    try:
        if args.orden == "calificar":
            return calificar(args)
        if args.orden == "nota-final":
            return _nota_final(args)
        from .banco.velocidad import main as banco

        return banco(args)
    except Exception:  # un fallo del propio calificador: se explica en español y se deja la traza
        import traceback

        traceback.print_exc()
        print("error: el calificador falló por un error interno (traza arriba). Las entregas ya calificadas "
              "siguen guardadas en la carpeta de salida (.entregas/); repite la orden cuando se corrija.",
              file=sys.stderr)
        return 1
