"""Formato y estilo comunes de las figuras del libro.

Cada capítulo con figuras lo importa en una celda oculta (``remove-cell``) al principio::

    import herramientas.figuras

Al importarlo:

- las figuras de matplotlib se muestran en **SVG** (vectoriales: nítidas en pantalla y en el
  PDF a cualquier tamaño); las imágenes de píxeles que contienen (``imshow``) se incrustan a
  300 ppp;
- la letra es de al menos 11 pt, para que siga legible cuando una figura ancha se reduce al
  ancho de la página impresa;
- los colores son los de la paleta de Okabe e Ito, distinguibles con cualquier tipo de
  daltonismo, y cada línea lleva además su propio trazo (continuo, discontinuo, punteado…),
  así que las curvas se distinguen también en blanco y negro.

Cada SVG guarda en sus metadatos el tamaño de su letra más pequeña (``letra-minima-pt``):
la prueba del PDF comprueba con él que ninguna etiqueta impresa queda por debajo de 6,5 pt.
"""
import io

import matplotlib
from cycler import cycler

# Paleta de Okabe e Ito (2008): azul, bermellón, verde azulado, púrpura, naranja, celeste, negro.
COLORES = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# Un trazo distinto para cada color: la codificación no depende solo del color.
TRAZOS = ("-", "--", "-.", ":", (0, (5, 1.5, 1, 1.5, 1, 1.5)), (0, (8, 2)), (0, (1, 1)))
# Las dos direcciones del paso por un grafo (capítulos 5 y 6): hacia delante, azul y trazo
# continuo; hacia atrás, bermellón y trazo discontinuo.
ADELANTE = {"color": COLORES[0], "linestyle": "-"}
ATRAS = {"color": COLORES[1], "linestyle": "--"}

ESTILO = {
    "figure.dpi": 300,  # resolución de las imágenes de píxeles que se incrustan en el SVG
    "svg.fonttype": "path",  # la letra se dibuja como trazos: igual en cualquier navegador
    "svg.hashsalt": "libro",  # identificadores fijos dentro del SVG: la misma figura da el mismo fichero
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.titlesize": 13,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": cycler(color=COLORES) + cycler(linestyle=TRAZOS),
}


def letra_minima(figura):
    """Tamaño en puntos del texto visible más pequeño de la figura (None si no tiene texto)."""
    from matplotlib.text import Text

    tamanos = [t.get_fontsize() for t in figura.findobj(Text)
               if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]
    return min(tamanos) if tamanos else None


def svg(figura):
    """La figura en SVG, recortada a su contenido, con su letra mínima en los metadatos."""
    minima = letra_minima(figura)
    descripcion = f"letra-minima-pt={minima:.2f}" if minima else "sin-texto"
    salida = io.StringIO()
    figura.canvas.print_figure(salida, format="svg", bbox_inches="tight",
                               metadata={"Description": descripcion, "Date": None})
    return salida.getvalue()


def aplicar():
    """Aplica el estilo y, dentro de un cuaderno, muestra las figuras en SVG (no en PNG)."""
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = None
    ip = get_ipython() if get_ipython else None
    if ip is not None and "inline" in matplotlib.get_backend():
        # El backend «inline» de Jupyter pone sus propios formatos (PNG) y valores de rcParams
        # cuando se carga, que suele ser al dibujar la primera figura: se carga ya, para que
        # esta configuración vaya después y no la deshaga.
        import matplotlib_inline.backend_inline  # noqa: F401
    matplotlib.rcParams.update(ESTILO)
    if ip is not None:
        from matplotlib.figure import Figure

        formatos = ip.display_formatter.formatters
        formatos["image/png"].pop(Figure, None)
        formatos["image/svg+xml"].for_type(Figure, svg)


aplicar()
