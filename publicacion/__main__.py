"""``python -m publicacion``: escribe la edición pública (lo llama ``make publicar``)."""
import argparse
import datetime as dt
import sys
from pathlib import Path

from .calendario import ErrorDeCalendario
from .generar import ErrorDePublicacion, publicar


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m publicacion",
        description="Escribe la edición pública del curso (libro, talleres publicados y herramientas).")
    parser.add_argument("--destino", default="_publico", help="carpeta de la edición pública (por defecto, _publico)")
    parser.add_argument("--fecha", help="fecha de publicación AAAA-MM-DD para aplicar el calendario (por defecto, hoy)")
    parser.add_argument("--calendario", default=str(Path(__file__).resolve().parents[1] / "calendario.yml"),
                        help="calendario de publicación de los talleres (por defecto, calendario.yml)")
    parser.add_argument("--sin-comprobar", action="store_true",
                        help="no ejecutar la comprobación de sustitución (más rápido; solo para pruebas)")
    args = parser.parse_args(argv)
    try:
        hoy = dt.date.fromisoformat(args.fecha) if args.fecha else dt.date.today()
    except ValueError:
        parser.error(f"--fecha {args.fecha}: escribe la fecha como AAAA-MM-DD")
    try:
        informe = publicar(Path(args.destino), hoy, comprobar=not args.sin_comprobar,
                           ruta_calendario=Path(args.calendario))
    except (ErrorDeCalendario, ErrorDePublicacion) as error:
        print(f"No se ha publicado nada: {error}", file=sys.stderr)
        return 1
    print(informe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
