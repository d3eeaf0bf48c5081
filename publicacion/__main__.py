"""``python -m publicacion``: escribe la edición pública (lo llama ``make publicar``)."""
import argparse
import sys
from pathlib import Path

from .calendario import ErrorDeCalendario
from .generar import AVISO_DE_MARCADORES, RAIZ, ErrorDePublicacion, marcadores_de_ejemplo, publicar


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m publicacion",
        description="Escribe la edición pública del curso (libro, talleres publicados y herramientas) desde "
                    "el último commit del repositorio del profesor.")
    parser.add_argument("--destino", default="_publico", help="carpeta de la edición pública (por defecto, _publico)")
    parser.add_argument("--fecha", help="fecha de publicación: AAAA-MM-DD (a las 0:00) o \"AAAA-MM-DD HH:MM\", en la "
                                        "zona horaria del calendario (por defecto, ahora)")
    parser.add_argument("--calendario", help="otro calendario (por defecto, calendario.yml del último commit)")
    parser.add_argument("--repositorio", default=str(RAIZ),
                        help="repositorio del profesor que se publica (por defecto, este)")
    parser.add_argument("--sin-comprobar", action="store_true",
                        help="no ejecutar la comprobación de sustitución (más rápido; solo para pruebas)")
    args = parser.parse_args(argv)
    try:
        informe = publicar(Path(args.destino), args.fecha, comprobar=not args.sin_comprobar,
                           ruta_calendario=Path(args.calendario) if args.calendario else None,
                           repositorio=Path(args.repositorio))
    except (ErrorDeCalendario, ErrorDePublicacion) as error:
        print(f"No se ha publicado nada: {error}", file=sys.stderr)
        return 1
    print(informe)
    if marcadores_de_ejemplo(Path(args.destino)):
        print(AVISO_DE_MARCADORES, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
