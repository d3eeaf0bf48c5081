"""Coherencia del texto del libro y de los talleres, leída de las fuentes (sin construir nada).

Pruebas unitarias y rápidas: miran los capítulos (``book/*.md``) y las plantillas de los
talleres (``solutions/plantillas/*.md``) tal como están en el repositorio. Las cifras que
dependen de una ejecución se comprueban en el libro construido (test_capitulos_*.py).
"""
import re
from pathlib import Path

from solutions.talleres import TALLERES

RAIZ = Path(__file__).resolve().parents[1]
LIBRO = RAIZ / "book"
PLANTILLAS = RAIZ / "solutions" / "plantillas"


def _texto(ruta):
    return (RAIZ / ruta).read_text(encoding="utf-8")


def _secciones_de_talleres():
    """{número: (id del taller, capítulos que acompaña)} de la página de talleres."""
    pagina = _texto("book/08-talleres.md")
    secciones = {}
    for numero, cuerpo in re.findall(r"^## Taller (\d+) · [^\n]*\n(.*?)(?=^## |\Z)", pagina, flags=re.M | re.S):
        ids = re.findall(r"^:::\{taller\} ([\w-]+)", cuerpo, flags=re.M)
        acompana = re.search(r"Acompaña a[l]? (?:los )?capítulos? (.*?)\.\n", cuerpo, flags=re.S)
        capitulos = [int(n) for n in re.findall(r"\{doc\}`(\d\d)-", acompana.group(1))] if acompana else []
        secciones[int(numero)] = (ids[0] if ids else None, capitulos)
    return secciones


def test_los_talleres_se_numeran_en_el_orden_de_los_capitulos():
    """«Taller N» es el N-ésimo de TALLERES, en la página de talleres y en su cuaderno, y N crece
    con el último capítulo que practica cada taller."""
    secciones = _secciones_de_talleres()
    ultimo = 0
    for numero, taller in enumerate(TALLERES, start=1):
        assert numero in secciones, f"La página de talleres no tiene la sección «Taller {numero}» ({taller})"
        id_seccion, capitulos = secciones[numero]
        assert id_seccion == taller, f"La sección «Taller {numero}» es la de {id_seccion}, no la de {taller}"
        assert capitulos, f"La sección «Taller {numero}» no dice qué capítulos acompaña"
        assert max(capitulos) >= ultimo, (
            f"El taller {numero} ({taller}) practica hasta el capítulo {max(capitulos)}, antes que el "
            f"taller anterior (capítulo {ultimo}): numera los talleres en el orden de los capítulos")
        ultimo = max(capitulos)
        titulo = (PLANTILLAS / f"{taller}.md").read_text(encoding="utf-8").split("\n", 2)[1]
        assert titulo.startswith(f"# Taller {numero} · "), f"El cuaderno de {taller} se titula «{titulo}»"


def test_el_readme_numera_los_talleres_como_el_libro():
    citados = dict(re.findall(r"taller (\d) `([\w-]+)`", " ".join(_texto("README.md").split())))
    assert citados == {str(n): t for n, t in enumerate(TALLERES, start=1)}, citados


def _capitulo(nombre):
    return next(LIBRO.glob(f"{nombre}*.md")).read_text(encoding="utf-8")


def _seccion(texto, etiqueta):
    """El texto de la sección con la etiqueta MyST ``(etiqueta)=`` hasta el siguiente título ##."""
    inicio = texto.index(f"({etiqueta})=")
    siguiente = re.search(r"^## ", texto[inicio + len(etiqueta) + 20:], flags=re.M)
    return texto[inicio:inicio + len(etiqueta) + 20 + siguiente.start()] if siguiente else texto[inicio:]


def _plano(texto):
    return " ".join(texto.split())


# --- Correcciones de la tercera edición (issue 23, sección 1) -----------------------------------

def test_cap3_las_inicializaciones_habituales_no_dan_pesos_cercanos_a_1():
    texto = _plano(_capitulo("03"))
    assert "de tamaño cercano a 1, como tras una inicialización habitual" not in texto
    assert "desviación típica del orden de $1/\\sqrt{n}$" in texto
    assert "\\lVert W^{[l]\\top} \\delta \\rVert \\approx \\sqrt{n}\\, \\lVert \\delta \\rVert" in texto


def test_cap6_la_entropia_cruzada_es_la_verosimilitud_y_nielsen_razona_al_reves():
    seccion = _plano(_seccion(_capitulo("06"), "sec-error-salida"))
    assert "se elige precisamente para que pase esto" not in seccion
    assert "{ref}`sec-verosimilitud`" in seccion and "Nielsen <bib-nielsen>" in seccion
    assert "camino al revés" in seccion


def test_cap2_sigmoide_y_softmax_son_exponenciales_normalizadas():
    texto = _plano(_capitulo("02"))
    assert "cuya probabilidad se escribe como una exponencial de $z$" not in texto
    assert "**exponencial normalizada**" in texto
    assert "\\sigma(z) = e^{z}/(e^{z} + e^{0})" in texto


def test_m_es_el_conjunto_y_m_B_el_lote_tambien_en_el_algoritmo_del_cap6():
    seccion = _plano(_seccion(_capitulo("06"), "sec-algoritmo"))
    assert "$m$ es el tamaño del lote" not in seccion
    assert "dW^{[l]} = \\frac{1}{m_{\\mathcal{B}}}" in seccion and "\\frac{1}{m}" not in seccion
    assert "$m$ es siempre el número total de ejemplos" in seccion


def test_cap3_dividir_los_pixeles_es_escalado_min_max_y_no_estandarizar():
    texto = _plano(_capitulo("03"))
    assert "por la misma razón (los píxeles de los dígitos se dividen entre 16 o entre 255)" not in texto
    assert "**escalado mín–máx**" in texto and "no las centra" in texto


def test_cap7_la_lista_de_confusiones_solo_si_un_par_se_repite():
    texto = _capitulo("07")
    celda = texto[texto.index("fuera_de_diagonal = confusion"):]
    celda = celda[:celda.index("```")]
    assert "if fuera_de_diagonal.max() > 1:" in celda
    ejercicio = _plano(texto[texto.index(":label: ej-07-5"):texto.index("```{solution} ej-07-5")])
    assert "La red confunde a veces dos dígitos concretos" not in ejercicio
    assert "se repite algún par" in ejercicio


VERBOS_PROHIBIDOS = re.compile(r"distribuy|encamina|enruta|la suma reparte|reparte \$dz\$|reparte el gradiente",
                               re.IGNORECASE)


def test_los_verbos_de_las_puertas_son_los_mismos_en_el_libro_y_los_talleres():
    """La suma copia, el producto intercambia y el máximo elige; «reparto» solo para el empate."""
    fuentes = [*LIBRO.glob("*.md"), *PLANTILLAS.glob("*.md"), RAIZ / "solutions" / "grafos.py"]
    for ruta in fuentes:
        texto = ruta.read_text(encoding="utf-8").replace("scikit-learn distribuye", "")
        encontrado = VERBOS_PROHIBIDOS.search(texto)
        assert not encontrado, f"{ruta.name}: «{encontrado.group(0)}»; usa copia, intercambia y elige"
    for ruta in (LIBRO / "05-derivadas-y-grafos.md", PLANTILLAS / "regla-cadena.md"):
        texto = ruta.read_text(encoding="utf-8")
        assert "**la suma copia**" in texto and "**el máximo elige**" in texto, ruta.name


def _celdas(plantilla):
    """(tipo, texto) de cada celda de una plantilla de taller."""
    partes = re.split(r"^<!-- (\w+)(?: \w+)? -->$", plantilla.read_text(encoding="utf-8"), flags=re.M)
    return list(zip(partes[1::2], partes[2::2]))


def _prosa(tipo, texto):
    """Lo que lee el estudiante como texto: las celdas de Markdown, y los comentarios y las
    cadenas de las de código; sin lo que va entre acentos graves (nombres de código)."""
    if tipo not in ("md", "tarea"):
        texto = "\n".join(re.findall(r"#[^\n]*|\"(?:[^\"\\\\\n]|\\\\.)*\"", texto))
    return re.sub(r"`[^`\n]*`", " ", texto)


def test_los_talleres_dicen_coste_y_no_costo():
    """«coste» en el texto de los talleres; `costo` y `costoGlobal` son nombres y no cambian."""
    permitidas = ('"costo"', "públicas de costo", "(w1, b1, w2, b2, costos)")
    for plantilla in sorted(PLANTILLAS.glob("*.md")):
        for tipo, texto in _celdas(plantilla):
            prosa = _prosa(tipo, texto)
            for permitida in permitidas:
                prosa = prosa.replace(permitida, " ")
            encontrado = re.search(r".{0,30}(?<![(\w])costos?\b(?![\[(]).{0,30}", prosa)   # len(costos), costos[0]: la variable
            assert not encontrado, f"{plantilla.name}: «{encontrado.group(0)}»: escribe «coste»"
    for modulo in ("regresion.py", "xor.py"):
        docstrings = "".join(re.findall(r'"""(.*?)"""', (RAIZ / "solutions" / modulo).read_text(), flags=re.S))
        assert not re.search(r"\b[Cc]ostos?\b(?!`)", re.sub(r"``[^`]*``", " ", docstrings)), modulo


def test_los_talleres_escriben_Delta_para_la_matriz_y_ln():
    for plantilla in sorted(PLANTILLAS.glob("*.md")):
        assert "\\log" not in plantilla.read_text(encoding="utf-8"), f"{plantilla.name}: escribe \\ln, como el libro"
    texto = (PLANTILLAS / "xor-retropropagacion.md").read_text(encoding="utf-8")
    formulas = texto[texto.index("La regla de la cadena, aplicada"):texto.index("**Ejemplo resuelto**")]
    assert not re.search(r"\\delta\^\{\[\d\]\}", formulas), "Las fórmulas con m ejemplos usan Δ, no δ"
    assert formulas.count("\\Delta^{[2]}") >= 3 and formulas.count("\\Delta^{[1]}") >= 3
    assert "δ" not in "".join(t for tipo, t in _celdas(PLANTILLAS / "xor-retropropagacion.md") if tipo == "pruebas")


def test_el_taller_4_explica_su_inicializacion_con_cifras_que_se_recalculan():
    """Normal estándar frente a la varianza 1/n del capítulo 7: las medianas que cita el cuaderno."""
    import numpy as np

    from solutions import xor

    texto = _plano((PLANTILLAS / "xor-retropropagacion.md").read_text(encoding="utf-8"))
    assert "**Sobre la inicialización.**" in texto and "normal **estándar**" in texto
    citadas = re.search(r"una mediana de unas (\d+) épocas con la normal estándar y de unas (\d+) con varianza", texto)
    assert citadas, "El cuaderno no cita las medianas de épocas"
    X, y = xor.datosXOR()
    medianas = []
    for escala_1, escala_2 in ((1.0, 1.0), (1 / np.sqrt(3), 1 / np.sqrt(4))):   # varianza 1/n con n = 3 y 4
        epocas = []
        for semilla in range(20):
            w1, b1, w2, b2 = xor.inicializarParametros(semilla)
            w1, w2 = w1 * escala_1, w2 * escala_2
            a1, a2 = xor.feedForward(X, w1, w2, b1, b2)
            *_, costes = xor.entrenarRed(2000, 1.0, X, y, w1, b1, w2, b2, a1, a2)
            epocas.append(next((k for k, c in enumerate(costes) if c < 0.1), np.inf))
        medianas.append(float(np.median(epocas)))
    for citada, medida in zip(map(int, citadas.groups()), medianas):
        assert abs(citada - medida) <= 10, f"El cuaderno dice unas {citada} épocas y salen {medida}"
    assert medianas[0] < medianas[1]


def test_menudencias_de_la_tercera_edicion():
    # Parámetros de la red 784–15–10: el mismo número en los capítulos 1 y 4.
    parametros = 15 * 784 + 15 + 10 * 15 + 10
    assert 11_000 < parametros < 12_000
    assert "casi doce mil parámetros" in _plano(_capitulo("01"))
    capitulo_4 = _plano(_capitulo("04"))
    assert "decenas de miles de parámetros" not in capitulo_4 and "casi doce mil parámetros" in capitulo_4
    # «Paso hacia delante», no «propagación hacia delante» (el glosario recoge la variante).
    for ruta in [*LIBRO.glob("0*.md"), LIBRO / "intro.md", *PLANTILLAS.glob("*.md")]:
        assert not re.search(r"propagaci[oó]n(es)? hacia delante", ruta.read_text(encoding="utf-8"), re.I), ruta.name
    assert all("propagación hacia delante" not in t.titulo.lower() for t in TALLERES.values())
    # «Exactitud» para la proporción de aciertos, nunca «el acierto».
    for ruta in LIBRO.glob("0*.md"):
        assert not re.search(r"\bacierto\b", ruta.read_text(encoding="utf-8"), re.I), f"{ruta.name}: «acierto»"


def test_cada_capitulo_empieza_por_sus_objetivos():
    """Como promete la introducción: objetivos, contenido, resumen y ejercicios."""
    for ruta in sorted(LIBRO.glob("0[1-7]-*.md")):
        texto = ruta.read_text(encoding="utf-8")
        despues_del_titulo = texto[re.search(r"^# .*$", texto, flags=re.M).end():].lstrip("\n")
        assert despues_del_titulo.startswith("## Objetivos\n"), f"{ruta.name} no empieza por sus objetivos"


# --- Un curso que se puede planificar (issue 23, sección 3) -------------------------------------

#: El calendario de seis semanas acordado (coordinación, «CONTRATOS»): lunes, capítulos y, por
#: taller, publicación y entrega.
CALENDARIO_ACORDADO = (
    (1, "8 de febrero", "1 y 2", None),
    (2, "15 de febrero", "3", ("descenso-gradiente", "2027-02-15 09:00", "2027-02-28 23:59")),
    (3, "22 de febrero", "4 y 5", ("regla-cadena", "2027-02-22 09:00", "2027-03-07 23:59")),
    (4, "1 de marzo", "6", ("xor-propagacion", "2027-03-01 09:00", "2027-03-07 23:59")),
    (5, "8 de marzo", "6 y 7", ("xor-retropropagacion", "2027-03-08 09:00", "2027-03-21 23:59")),
    (6, "15 de marzo", "4 y 7", ("sgd-minilotes", "2027-03-15 09:00", "2027-03-28 23:59")),
)
ORDEN_DE_LOS_TALLERES = ("descenso-gradiente", "regla-cadena", "xor-propagacion", "xor-retropropagacion",
                         "sgd-minilotes")
MESES = {"02": "febrero", "03": "marzo"}


def _fecha_en_texto(fecha):
    return f"{int(fecha[8:10])} de {MESES[fecha[5:7]]}"


def test_el_plan_docente_sigue_el_calendario_acordado():
    texto = (LIBRO / "plan-docente.md").read_text(encoding="utf-8")
    filas = re.findall(r"^\| (\d) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$", texto, flags=re.M)
    assert len(filas) == 6, "El plan docente debe tener una fila por semana"
    for (semana, lunes, capitulos, taller), fila in zip(CALENDARIO_ACORDADO, filas):
        assert (str(semana), lunes, capitulos) == tuple(c.strip() for c in fila[:3]), fila
        if taller is None:
            assert fila[3].strip() == "—"
            continue
        id_, publicar, entrega = taller
        numero = ORDEN_DE_LOS_TALLERES.index(id_) + 1
        assert fila[3].startswith(f"Taller {numero} · ") and f"(`{id_}`)" in fila[3], fila[3]
        assert f"del lunes {_fecha_en_texto(publicar)} al domingo {_fecha_en_texto(entrega)}" in fila[3], fila[3]
    assert "lunes a las 09:00" in texto and "domingo a las 23:59" in texto
    # Los talleres que ya existen llevan el número que les da el orden de TALLERES.
    assert list(TALLERES) == [t for t in ORDEN_DE_LOS_TALLERES if t in TALLERES]


def test_el_plan_docente_coincide_con_calendario_yml_cuando_trae_fechas():
    """Si calendario.yml fija fechas con hora (formato de las tres ediciones), son las del plan."""
    import yaml

    calendario = yaml.safe_load(_texto("calendario.yml")) or {}
    for _, _, _, taller in CALENDARIO_ACORDADO:
        entrada = (calendario.get("talleres") or {}).get(taller[0] if taller else None) or {}
        for clave, fecha in zip(("publicar", "entrega"), taller[1:] if taller else ()):
            if isinstance(entrada.get(clave), str) and ":" in entrada[clave]:
                assert entrada[clave] == fecha, f"calendario.yml: {taller[0]} {clave} {entrada[clave]} ≠ {fecha}"


def test_las_horas_del_plan_docente_suman_lo_que_dice():
    texto = (LIBRO / "plan-docente.md").read_text(encoding="utf-8")
    horas = {parte.strip(): float(h) for parte, h in re.findall(r"^\| ((?:Capítulo|Taller) [^|]+) \| ([\d.]+) \|$",
                                                                  texto, flags=re.M)}
    assert len([p for p in horas if p.startswith("Capítulo")]) == 7 and len([p for p in horas if p.startswith("Taller")]) == 5
    total = float(re.search(r"^\| \*\*Total\*\* \| \*\*([\d.]+)\*\* \|$", texto, flags=re.M).group(1))
    assert sum(horas.values()) == total
    semanales = int(re.search(r"Son unas (\d+) horas por semana", texto).group(1))
    assert semanales == round(total / 6)


def test_la_notacion_esta_al_principio_y_fija_los_convenios():
    toc = _texto("_toc.yml")
    assert toc.index("book/notacion") < toc.index("book/01-"), "La página de notación va antes del capítulo 1"
    assert toc.index("book/plan-docente") < toc.index("book/01-")
    texto = (LIBRO / "notacion.md").read_text(encoding="utf-8")
    for simbolo in ("$m_{\\mathcal{B}}$", "$\\delta^{[l]}", "$\\Delta^{[l]}$", "$\\ln$", "`np.log`", "**fila**",
                    "**columna**", "$\\eta$"):
        assert simbolo in texto, f"La página de notación no fija {simbolo}"


def test_creditos_e_historial_de_ediciones():
    creditos = _plano((LIBRO / "creditos.md").read_text(encoding="utf-8"))
    for fuente in ("Sistemas Cognitivos Artificiales", "Roberto Casado Vara",
                   "Understanding Gradient Descent and Backpropagation", "Santiago Hernández Ramos", "2019",
                   "entropía cruzada", "retropropagación en forma matricial", "talleres de regresión y de XOR",
                   "bib-d2l", "bib-3b1b"):
        assert fuente in creditos, f"Los créditos no citan «{fuente}»"
    bibliografia = (LIBRO / "bibliografia.md").read_text(encoding="utf-8")
    assert "(bib-d2l)=" in bibliografia and "https://d2l.ai/" in bibliografia and "(bib-3b1b)=" in bibliografia
    historial = _plano((LIBRO / "historial-de-ediciones.md").read_text(encoding="utf-8"))
    assert historial.index("Tercera edición") < historial.index("Segunda edición") < historial.index("Primera edición")
    toc = _texto("_toc.yml")
    assert "book/creditos" in toc and "book/historial-de-ediciones" in toc


# --- Guía del profesor ----------------------------------------------------------------------------

GUIA = LIBRO / "guia-profesor"


def test_la_guia_del_profesor_esta_en_el_indice_del_libro_del_profesor():
    toc = _texto("_toc.yml")
    paginas = re.findall(r"file: (book/guia-profesor/[\w-]+)", toc)
    assert {"index", "rubricas", "errores-frecuentes", "banco-de-ejercicios"} <= {p.rsplit("/", 1)[1] for p in paginas}
    for pagina in paginas:
        assert (RAIZ / f"{pagina}.md").is_file(), pagina


def test_rubricas_de_cada_taller_sobre_10():
    texto = (GUIA / "rubricas.md").read_text(encoding="utf-8")
    secciones = dict(re.findall(r"^## Taller (\d) · [^\n]*\n(.*?)(?=^## |\Z)", texto, flags=re.M | re.S))
    for numero, taller in enumerate(TALLERES, start=1):
        seccion = secciones.get(str(numero))
        assert seccion, f"Faltan las rúbricas del taller {numero} ({taller})"
        tablas = re.findall(r"\| Criterio \| Puntos \|\n\|---\|---\|\n((?:\|.*\|\n)+)", seccion)
        assert tablas, f"Taller {numero}: sin tabla de rúbrica"
        for tabla in tablas:
            puntos = [int(f.rsplit("|", 2)[1]) for f in tabla.strip().split("\n")]
            assert sum(puntos) == 10, f"Taller {numero}: la rúbrica suma {sum(puntos)}"
        assert "Respuesta modelo" in seccion


def test_las_cifras_de_las_respuestas_modelo_se_recalculan():
    import warnings

    import numpy as np

    from solutions import grafos, regresion, xor

    texto = _plano((GUIA / "rubricas.md").read_text(encoding="utf-8"))
    # Taller 1: los coches (los datos de la celda del cuaderno).
    rng = np.random.default_rng(11)
    masa, potencia = rng.uniform(900, 2200, 80), rng.uniform(60, 250, 80)
    X = np.column_stack([masa, potencia])
    consumo = 1.2 + 0.0035 * masa + 0.012 * potencia + rng.normal(0, 0.4, 80)
    X_norm, media, desviacion = regresion.normalizar(X)
    theta, historial = regresion.descensoGradiente(X_norm, consumo, np.zeros(3), 0.1, 200)
    prediccion = theta[0] + ((np.array([1300.0, 110.0]) - media) / desviacion) @ theta[1:]
    assert f"$\\theta \\approx ({theta[0]:.3f},\\ {theta[1]:.3f},\\ {theta[2]:.3f})$" in texto
    assert f"de unos {historial[0]:.2f} a unos {historial[-1]:.4f}" in texto and f"unos {prediccion:.2f} L/100 km" in texto
    lam_max = np.linalg.eigvalsh(np.column_stack([np.ones(80), X]).T @ np.column_stack([np.ones(80), X]) / 80).max()
    assert f"{lam_max / 1e6:.1f} \\cdot 10^{{6}}" in texto and f"{2 / lam_max * 1e7:.1f} \\cdot 10^{{-7}}" in texto
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        _, sin_normalizar = regresion.descensoGradiente(X, consumo, np.zeros(3), 0.1, 200)
    assert f"{sin_normalizar[1] / 1e12:.1f} \\cdot 10^{{12}}" in texto and not np.isfinite(sin_normalizar[-1])
    # Taller 2: el grafo de max(x, y)·(y + z) en (2, 3, −1).
    maximo, suma, producto = grafos.PuertaMax(), grafos.PuertaSuma(), grafos.PuertaMultiplicacion()
    f = producto.forward(maximo.forward(2.0, 3.0), suma.forward(3.0, -1.0))
    dp, dq = producto.backward(1.0)
    (dx, dy_max), (dy_suma, dz) = maximo.backward(dp), suma.backward(dq)
    assert (f, dx, dy_max + dy_suma, dz) == (6.0, 0.0, 5.0, 3.0)
    numerico = grafos.gradienteNumerico(lambda v: max(v[0], v[1]) * (v[1] + v[2]), np.array([2.0, 3.0, -1.0]))
    assert np.max(np.abs(numerico - [0.0, 5.0, 3.0])) < 1e-9
    # Taller 3: la red sin entrenar.
    X_xor, y_xor = xor.datosXOR()
    w1, b1, w2, b2 = xor.inicializarParametros(0)
    a1, a2 = xor.feedForward(X_xor, w1, w2, b1, b2)
    assert f"unos {xor.costoGlobal(a2, y_xor):.3f}" in texto
    assert f"entre {a2.min():.2f} y {a2.max():.2f}" in texto
    # Taller 4: entrenamiento con la tasa del cuaderno, con 10 y con 0.01, y con pesos nulos.
    resultados = {}
    for tasa in (xor.TASA_APRENDIZAJE, 10.0, 0.01):
        *parametros, costes = xor.entrenarRed(xor.EPOCAS, tasa, X_xor, y_xor, w1, b1, w2, b2, a1, a2)
        pw1, pb1, pw2, pb2 = parametros
        resultados[tasa] = (np.array(costes), xor.feedForward(X_xor, pw1, pw2, pb1, pb2)[1])
    costes, salida = resultados[xor.TASA_APRENDIZAJE]
    assert f"de unos {costes[0]:.3f} a unos {costes[-1]:.4f}" in texto
    assert np.array_equal(np.round(salida), y_xor) and f"unos {salida.min():.3f}, {salida.max():.3f}" in texto
    meseta = int(np.sum((costes < 0.7) & (costes > 0.6)))
    assert 60 <= meseta <= 100 and "tarda unas 80 en pasar de 0.7 a 0.6" in texto
    assert abs(int(np.argmax(costes < 0.1)) - 250) <= 10
    costes_10, salida_10 = resultados[10.0]
    assert np.array_equal(np.round(salida_10), y_xor) and costes_10[1] > costes_10[0]
    assert f"de {costes_10[0]:.2f} a unos {costes_10[1]:.2f}" in texto and f"unos {costes_10[-1]:.4f}" in texto
    costes_001, salida_001 = resultados[0.01]
    assert f"sigue en unos {costes_001[-1]:.3f}" in texto and np.all(np.abs(salida_001 - 0.5) < 0.06)
    ceros = [np.zeros_like(p) for p in (w1, b1, w2, b2)]
    c1, c2 = xor.feedForward(X_xor, ceros[0], ceros[2], ceros[1], ceros[3])
    *_, costes_0 = xor.entrenarRed(100, 1.0, X_xor, y_xor, *ceros, c1, c2)
    assert np.allclose(costes_0, np.log(2)), "Con pesos nulos el coste se queda en ln 2"


def test_errores_frecuentes_y_banco_de_ejercicios_de_cada_capitulo():
    for pagina in ("errores-frecuentes", "banco-de-ejercicios"):
        texto = (GUIA / f"{pagina}.md").read_text(encoding="utf-8")
        capitulos = [int(n) for n in re.findall(r"^## Capítulo (\d) · ", texto, flags=re.M)]
        assert capitulos == list(range(1, 8)), f"{pagina}: capítulos {capitulos}"
    banco = (GUIA / "banco-de-ejercicios.md").read_text(encoding="utf-8")
    assert len(re.findall(r"^\d\. ", banco, flags=re.M)) >= 25
    assert "{solution}" not in banco and "Solución" not in banco, "El banco es de ejercicios sin resolver"
