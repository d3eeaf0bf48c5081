"""Tercera edición (issue 23) en el libro construido: cifras de las correcciones, secciones nuevas,
respuestas «Compruébalo» y páginas de antes de empezar.

Como en las demás pruebas de los capítulos, se lee el HTML de `_build/html` y se buscan las
cifras en las salidas de las celdas (que se recalculan aquí) o en las soluciones publicadas.
"""
import math
import re

import numpy as np
import pytest

from test_capitulos_ejercicios import Ejercicios, texto_visible
from test_capitulos_fundamentos import analizar

pytestmark = pytest.mark.lenta


@pytest.fixture(scope="module")
def salidas(libro_html):
    """{capítulo: texto de todas sus salidas de celda}."""
    capitulos = ("02-funciones-de-coste", "03-descenso-de-gradiente", "04-descenso-estocastico",
                 "06-retropropagacion", "07-entrenamiento", "notacion")
    return {c: "\n".join(s["texto"] for s in analizar(libro_html, c).salidas) for c in capitulos}


@pytest.fixture(scope="module")
def soluciones(libro_html):
    """{etiqueta del ejercicio: texto de su solución}, de los capítulos y del plan docente."""
    resultado = {}
    for pagina in ("04-descenso-estocastico", "06-retropropagacion", "07-entrenamiento", "plan-docente"):
        analizador = Ejercicios()
        analizador.feed((libro_html / "book" / f"{pagina}.html").read_text(encoding="utf-8"))
        for ejercicio in analizador.ejercicios:
            resultado[ejercicio["id"]] = " ".join(ejercicio["solucion"]["texto"].split())
    return resultado


def _numero(patron, texto):
    encontrado = re.search(patron, texto)
    assert encontrado, f"No aparece «{patron}» en las salidas"
    return float(encontrado.group(1))


def _figura(libro_html, capitulo, nombre):
    figuras = {f["id"]: f for f in analizar(libro_html, capitulo).figuras}
    assert nombre in figuras, f"{capitulo}: falta la figura {nombre}"
    return figuras[nombre]


# --- Correcciones con cifras ---------------------------------------------------------------------

def test_cap3_los_pixeles_divididos_entre_16_quedan_sin_centrar(salidas):
    from sklearn.datasets import load_digits

    pixeles = load_digits().data / 16.0
    medias, desviaciones = pixeles.mean(axis=0), pixeles.std(axis=0)
    texto = salidas["03-descenso-de-gradiente"]
    assert f"Valores de los píxeles escalados: de {pixeles.min():g} a {pixeles.max():g}" in texto
    assert f"Media de cada píxel: de {medias.min():.2f} a {medias.max():.2f} (media de todos: {pixeles.mean():.2f})" in texto
    assert f"{np.sum(desviaciones == 0)} píxeles valen 0 en todas las imágenes" in texto
    assert pixeles.mean() > 0.2 and desviaciones.max() < 0.5, "El texto dice que no quedan centrados ni con desviación 1"


def test_cap2_la_sigmoide_es_la_softmax_de_z_y_0(salidas):
    filas = re.findall(r"z = +(-?[\d.]+):  softmax de \(z, 0\) = ([\d.]+),  σ\(z\) = ([\d.]+)",
                       salidas["02-funciones-de-coste"])
    assert len(filas) == 3
    for z, softmax, sigmoide in filas:
        assert softmax == sigmoide == f"{1 / (1 + math.exp(-float(z))):.6f}"


def test_cap7_la_lista_de_confusiones_solo_si_un_par_se_repite(libro_html, salidas):
    texto = salidas["07-entrenamiento"]
    assert "(1 imágenes" not in texto
    errores, pares = map(int, re.search(r"Errores: (\d+), en (\d+) pares", texto).groups())
    if errores == pares:
        assert "Ningún par se repite" in texto and "Las confusiones más frecuentes" not in texto
        mas_repetido = 1
    else:
        mas_repetido = int(re.search(r"Las confusiones más frecuentes \((\d+) imágenes cada una\)", texto).group(1))
    alternativo = _figura(libro_html, "07-entrenamiento", "fig-confusion-digitos")["alt"]
    assert "uno o dos errores como mucho" in alternativo and mas_repetido <= 2


# --- Capítulo 4: momento, Adam y calendarios ------------------------------------------------------

def test_cap4_momento_y_adam_en_el_valle(libro_html, salidas):
    def gradiente(v):
        return np.array([v[0], 100 * v[1]])

    def coste(v):
        return 0.5 * (v[0] ** 2 + 100 * v[1] ** 2)

    recorridos = {"descenso": [np.array([-8.0, 1.0])], "momento": [np.array([-8.0, 1.0])],
                  "Adam": [np.array([-8.0, 1.0])]}
    u, p, s = np.zeros(2), np.zeros(2), np.zeros(2)
    for t in range(1, 101):
        v = recorridos["descenso"][-1]
        recorridos["descenso"].append(v - 0.019 * gradiente(v))
        v = recorridos["momento"][-1]
        u = 0.9 * u + gradiente(v)
        recorridos["momento"].append(v - 0.01 * u)
        v = recorridos["Adam"][-1]
        g = gradiente(v)
        p, s = 0.9 * p + 0.1 * g, 0.999 * s + 0.001 * g * g
        recorridos["Adam"].append(v - 0.5 * (p / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8))
    costes = {k: [coste(v) for v in r] for k, r in recorridos.items()}
    llega = {k: next((i for i, c in enumerate(cs) if c < 0.01), None) for k, cs in costes.items()}
    texto = salidas["04-descenso-estocastico"]
    for clave, nombre in (("descenso", "descenso de gradiente"), ("momento", "momento"), ("Adam", "Adam")):
        fila = re.search(rf"{nombre} \([^)]*\)\s*: C tras 100 pasos = (\S+); baja de 0.01 en el paso (.+)", texto)
        assert fila, f"Falta la fila de {nombre}"
        assert float(fila.group(1)) == pytest.approx(costes[clave][-1], rel=1e-2)
        assert fila.group(2).strip() == (str(llega[clave]) if llega[clave] is not None else "— (no llega)")
    # Lo que dicen el texto y el texto alternativo.
    assert llega["descenso"] is None and costes["descenso"][-1] > 0.1
    assert llega["Adam"] < llega["momento"] < 100
    assert 1 - 100 * 0.019 == pytest.approx(-0.9)
    assert "se queda por encima de 0.1" in _figura(libro_html, "04-descenso-estocastico", "fig-momento-adam")["alt"]


def test_cap4_los_calendarios_terminan_mas_de_diez_veces_mas_cerca(salidas):
    texto = salidas["04-descenso-estocastico"]
    excesos = {nombre: _numero(rf"{re.escape(nombre)}\s*: exceso medio sobre el mínimo en la última época = (\S+)", texto)
               for nombre in ("constante", "escalones (÷10 cada 4 épocas)", "coseno")}
    assert excesos["constante"] > 10 * max(excesos["escalones (÷10 cada 4 épocas)"], excesos["coseno"])
    assert 0.005 < excesos["constante"] < 0.05, "El texto alternativo dice que oscila alrededor de 0.01"


def test_cap4_respuestas_de_momento_adam_y_coseno(soluciones):
    g = np.array([2.0, -0.5])
    momento = -0.1 * g
    adam = -0.1 * g / (np.abs(g) + 1e-8)
    sol = soluciones["ej-04-6"]
    assert f"({momento[0]:.1f},\\ {momento[1]:.2f})" in sol and f"({adam[0]:.1f},\\ {adam[1]:.1f})" in sol
    sol = soluciones["ej-04-7"]
    for t in (25, 75):
        assert f"{0.05 * (1 + math.cos(math.pi * t / 100)):.4f}" in sol
    assert "= 0.05" in sol


# --- Capítulo 6: entropía cruzada frente a coste cuadrático ---------------------------------------

def test_cap6_entrenamiento_con_entropia_cruzada_y_con_coste_cuadratico(libro_html, salidas, soluciones):
    texto = salidas["06-retropropagacion"]
    filas = dict((c, (float(i), float(f), int(e))) for c, i, f, e in re.findall(
        r"(entropía cruzada|coste cuadrático)\s*: exactitud inicial ([\d.]+)%, tras 300 épocas ([\d.]+)%;"
        r" supera el 80 % en la época (\d+)", texto))
    assert set(filas) == {"entropía cruzada", "coste cuadrático"}
    (inicial, final_ec, epoca_ec), (_, final_cc, epoca_cc) = filas["entropía cruzada"], filas["coste cuadrático"]
    assert inicial < 50, "El texto dice que empieza equivocándose en la mayoría de los ejemplos"
    assert epoca_ec < 20 and epoca_cc > 100, "«en unas pocas épocas» frente a «unas 100 épocas» o más"
    assert abs(final_ec - final_cc) < 2, "«Al final las dos llegan a una exactitud parecida»"
    _figura(libro_html, "06-retropropagacion", "fig-entropia-frente-cuadratico-entrenamiento")
    sol = soluciones["ej-06-8"]
    assert f"{1 / (0.01 * 0.99):.2f}" in sol and "exactamente \\(4\\)" in sol


# --- Capítulo 7: normalización por lotes y regularización -----------------------------------------

def test_cap7_la_normalizacion_por_lotes_no_depende_de_la_escala(libro_html, salidas, soluciones):
    texto = salidas["07-entrenamiento"]
    filas = {(float(s), modo.strip()): (float(d), int(p)) for s, modo, d, p in re.findall(
        r"s = +([\d.]+), (normalizando *|sin normalizar): desviación de las activaciones en la capa 10 = ([\d.]+),"
        r" saturadas = (\d+)%", texto)}
    assert len(filas) == 6
    normalizadas = {filas[s, "normalizando"] for s in (0.5, 1.0, 4.0)}
    assert len(normalizadas) == 1, "Normalizando, las tres escalas deben dar lo mismo"
    assert filas[0.5, "sin normalizar"][0] < 0.01, "Con pesos pequeños las activaciones se apagan"
    assert 40 <= filas[4.0, "sin normalizar"][1] < 50, "«casi la mitad de las tanh se saturan»"
    _figura(libro_html, "07-entrenamiento", "fig-normalizacion-lotes")
    z = np.array([1.0, 2.0, 3.0, 6.0])
    z_hat = (z - z.mean()) / z.std()
    sol = soluciones["ej-07-8"]
    assert f"\\sigma^2 = (4 + 1 + 0 + 9)/4 = {z.var():g}" in sol
    for valor in (*z_hat[[0, 1, 3]], *(2 * z_hat + 0.5)[[0, 1, 3]]):
        assert f"{valor:.3f}" in sol, f"La solución 7.8 no dice {valor:.3f}"


def test_cap7_l2_y_parada_temprana(libro_html, salidas, soluciones):
    texto = salidas["07-entrenamiento"]
    inicial, mejor, mejor_epoca, final, parada = re.search(
        r"Sin regularizar: coste de validación ([\d.]+) al empezar, ([\d.]+) en la mejor época \((\d+)\) y ([\d.]+)"
        r" al final; con paciencia 200, la parada temprana se detiene en la época (\d+)", texto).groups()
    assert int(parada) == int(mejor_epoca) + 200
    assert float(final) > float(inicial) > float(mejor), "La curva de validación sube hasta superar su valor inicial"
    costes = {nombre: (float(e), float(v), float(x)) for nombre, e, v, x in re.findall(
        r"(sin regularizar|parada temprana|L2, λ = 0.2)[^:\n]*: coste ([\d.]+) en entrenamiento y ([\d.]+) en validación;"
        r" exactitud de validación ([\d.]+)%", texto)}
    assert set(costes) == {"sin regularizar", "parada temprana", "L2, λ = 0.2"}
    assert costes["sin regularizar"][0] < costes["L2, λ = 0.2"][0], "Con L2 el coste de entrenamiento queda más alto"
    for regularizada in ("parada temprana", "L2, λ = 0.2"):
        assert costes[regularizada][1] < costes["sin regularizar"][1] / 2
        assert costes[regularizada][2] >= costes["sin regularizar"][2]
    _figura(libro_html, "07-entrenamiento", "fig-regularizacion")
    factor = 1 - 0.5 * 0.2 / 40
    assert f"{factor:g}" in soluciones["ej-07-7"] and f"{factor ** 1000:.4f}" in soluciones["ej-07-7"]


# --- Antes de empezar ----------------------------------------------------------------------------

def test_autoevaluacion_del_plan_docente(libro_html, soluciones):
    assert f"{5 * math.e ** 3:.2f}" in soluciones["auto-1"]
    assert "(0,\\ 5)" in soluciones["auto-2"]                       # ∇(x²y + sin y) en (2, 0)
    assert "-0.5" in soluciones["auto-3"]                           # h'(0) = σ(0) − 1
    W, X, b = np.ones((4, 3)), np.ones((3, 5)), np.ones((4, 1))
    for forma in ((W @ X + b).shape, (X.T @ W.T).shape, (W.T @ (W @ X)).shape):
        assert f"({forma[0]}, {forma[1]})" in soluciones["auto-4"]
    A = np.arange(6).reshape(2, 3)
    sol = soluciones["auto-5"]
    assert str(A.sum(axis=0).tolist()) in sol and str(A.sum(axis=1, keepdims=True).tolist()) in sol
    assert f"{A.mean():g}" in sol
    u, v = np.array([1, 2]), np.array([[1], [2]])
    assert str((u * v).tolist()) in soluciones["auto-6"] and f"[{int((u @ v)[0])}]" in soluciones["auto-6"]
    pagina = texto_visible((libro_html / "book" / "plan-docente.html").read_text(encoding="utf-8"))
    assert "Autoevaluación" in pagina and not re.search(r"Ejercicio \d", pagina), "La autoevaluación no se numera"


def test_la_notacion_se_ejecuta(salidas):
    assert f"np.log(2) = {round(float(np.log(2)), 4)} = ln 2" in salidas["notacion"]
    assert "Forma de W @ X + b: (4, 5)" in salidas["notacion"]
