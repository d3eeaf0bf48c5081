"""Banco de velocidad: este calificador frente a ``nbgrader autograde`` (serie).

Genera una clase de entregas de xor-retropropagacion a partir del cuaderno del
estudiante (que produce ``nbgrader generate_assignment`` en una copia temporal
del curso; las entregas correctas hacen también el trabajo no calificado:
entrenar el XOR y dibujar la curva de costo), la califica con ``python -m autograder calificar`` y con
``nbgrader autograde``, comprueba que las notas por función coinciden y escribe
los tiempos, el cociente y el tiempo por entrega.
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from solutions.entorno import entorno_de_ordenes
from solutions.talleres import TALLERES

from . import banco_otter, banco_rondas, muestras

RAIZ = Path(__file__).resolve().parents[2]
TALLER = TALLERES["xor-retropropagacion"]
OBJETIVO = 10  # veces más rápido que nbgrader autograde con las mismas entregas (make bench)
# Los mismos límites para todas las herramientas: segundos por celda (este calificador: también por
# caso de prueba; nbgrader: Execute.timeout) y por entrega (este calificador:
# --tiempo-total; otter run, que no tiene límite propio, se detiene desde fuera). Sin límite, la
# entrega con el bucle infinito no terminaría nunca en otter; con los de cada herramienta por
# defecto (60 s, 120 s por celda del curso, ninguno), la comparación dependería de ese número.
# En nbgrader la opción es la de la clase Execute, la misma que fija nbgrader_config.py: la de su
# clase madre (ExecutePreprocessor.timeout) no cambiaría nada, porque la del curso tiene prioridad.
TIEMPO_CELDA = 20
TIEMPO_ENTREGA = 60


def copiar_curso(origen, destino):
    """Copia de la configuración y las fuentes del curso, con su raíz apuntando a la copia."""
    destino = Path(destino)
    destino.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(origen) / "nbgrader_config.py", destino / "nbgrader_config.py")
    shutil.copytree(Path(origen) / "source" / TALLER.id, destino / "source" / TALLER.id)
    with open(destino / "nbgrader_config.py", "a", encoding="utf-8") as f:
        f.write(f"\nc.CourseDirectory.root = {str(destino)!r}\n")
    return destino


def _nbgrader(curso, *args):
    resultado = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args, "--log-level=ERROR"],
                               cwd=curso, env=entorno_de_ordenes(), capture_output=True, text=True)
    if resultado.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} falló:\n{resultado.stdout[-3000:]}{resultado.stderr[-3000:]}")
    return resultado


def cuaderno_estudiante(curso):
    """Genera el taller con nbgrader en ``curso`` y devuelve el cuaderno del estudiante (dict)."""
    _nbgrader(curso, "generate_assignment", TALLER.id, "--force")
    ruta = Path(curso) / "release" / TALLER.id / TALLER.cuaderno
    return json.loads(ruta.read_text(encoding="utf-8"))


@dataclass
class Medida:
    entregas: int
    t_calificador: float
    t_nbgrader: float
    desglose: str = ""
    notas_calificador: dict = field(default_factory=dict)
    notas_nbgrader: dict = field(default_factory=dict)
    esperadas: dict = field(default_factory=dict)

    @property
    def cociente(self):
        return self.t_nbgrader / self.t_calificador

    def discrepancias(self):
        return sorted(e for e in self.esperadas
                      if self.notas_calificador.get(e) != self.notas_nbgrader.get(e))


def notas_nbgrader(curso, estudiantes):
    """{estudiante: {funcion: puntos}} del gradebook tras ``nbgrader autograde``."""
    import warnings

    from nbgrader.api import Gradebook

    notas = {}
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{Path(curso) / 'gradebook.db'}") as gb:
        warnings.simplefilter("ignore")
        for e in estudiantes:
            notas[e] = {f: gb.find_grade(f"{f}_pruebas", Path(TALLER.cuaderno).stem, TALLER.id, e).score
                        for f in TALLER.funciones}
    return notas


def preparar(n, curso_origen, carpeta, perfiles=None):
    """Curso base y ``n`` entregas en ``carpeta``; devuelve el ``Lote``.

    El curso base es una copia del curso con el gradebook que deja ``generate_assignment``
    (taller y celdas registrados): cada ejecución de cada herramienta parte de una copia suya.
    Sin ``perfiles``, la clase de ``muestras.composicion(n)``.
    """
    carpeta = Path(carpeta)
    base = copiar_curso(curso_origen, carpeta / "curso_base")
    nb = cuaderno_estudiante(base)
    profesor = json.loads((base / "source" / TALLER.id / TALLER.cuaderno).read_text(encoding="utf-8"))
    perfiles = muestras.composicion(n) if perfiles is None else perfiles
    clase = muestras.clase(nb, len(perfiles), muestras.celdas_de_trabajo(profesor), perfiles=perfiles)
    cuadernos = {}
    for estudiante, (cuaderno, _) in clase.items():
        cuadernos[estudiante] = carpeta / "entregas" / estudiante / TALLER.id / TALLER.cuaderno
        muestras.guardar(cuaderno, cuadernos[estudiante])
    return Lote(carpeta, base, profesor, cuadernos, {e: nota for e, (_, nota) in clase.items()},
                dict(zip(clase, (p.nombre for p in perfiles))))


@dataclass
class Lote:
    carpeta: Path
    curso_base: Path
    profesor: dict
    cuadernos: dict  # {estudiante: ruta del cuaderno entregado}
    esperadas: dict  # {estudiante: nota esperada}
    perfiles: dict  # {estudiante: nombre del perfil}

    def curso_nuevo(self, nombre):
        """Copia del curso base (con su gradebook) para una ejecución."""
        curso = copiar_curso(self.curso_base, self.carpeta / nombre)
        shutil.copyfile(self.curso_base / "gradebook.db", curso / "gradebook.db")
        return curso


def calificador(lote, trabajos, nombre):
    """Ejecuta ``calificar`` sobre el lote; devuelve (segundos, notas, desglose)."""
    curso = lote.curso_nuevo(f"curso_{nombre}")
    salida = lote.carpeta / f"salida_{nombre}"
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(lote.carpeta / "entregas"),
             "--salida", str(salida), "--curso", str(curso), "--trabajos", str(trabajos),
             "--tiempo-max", f"{TIEMPO_CELDA:g}", "--tiempo-total", f"{TIEMPO_ENTREGA:g}", "--desglose"]
    inicio = time.perf_counter()
    resultado = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True)
    segundos = time.perf_counter() - inicio
    if resultado.returncode != 0:
        raise RuntimeError("El calificador falló:\n" + resultado.stderr[-3000:])
    notas = {}
    with open(salida / "calificaciones.csv", encoding="utf-8") as f:
        for fila in csv.DictReader(f):
            notas[fila["estudiante"]] = {x: float(fila[x]) for x in TALLER.funciones}
    return segundos, notas, _desglose(resultado.stdout)


def nbgrader(lote, nombre):
    """Ejecuta ``nbgrader autograde`` sobre el lote (mismo límite por celda); devuelve (segundos, notas)."""
    curso = lote.curso_nuevo(f"curso_{nombre}")
    shutil.copytree(lote.carpeta / "entregas", curso / "submitted")
    inicio = time.perf_counter()
    _nbgrader(curso, "autograde", TALLER.id, "--force", f"--Execute.timeout={TIEMPO_CELDA:g}")
    segundos = time.perf_counter() - inicio
    return segundos, notas_nbgrader(curso, list(lote.cuadernos))


def medir(n, trabajos, curso_origen, carpeta, perfiles=None):
    """Una pasada de cada herramienta (calificador con ``trabajos`` y nbgrader) sobre ``n`` entregas
    (o una por perfil de ``perfiles``)."""
    lote = preparar(n, curso_origen, carpeta, perfiles)
    t_cal, notas_cal, desglose = calificador(lote, trabajos, "calificador")
    t_nbg, notas_nbg = nbgrader(lote, "nbgrader")
    return Medida(len(lote.cuadernos), t_cal, t_nbg, desglose, notas_cal, notas_nbg, lote.esperadas)


def informe(m):
    lineas = [
        f"Banco: {m.entregas} entregas de {TALLER.id}.",
        f"  Este calificador:        {m.t_calificador:7.1f} s ({m.t_calificador / m.entregas:.2f} s por entrega)",
        f"  nbgrader autograde:      {m.t_nbgrader:7.1f} s ({m.t_nbgrader / m.entregas:.2f} s por entrega)",
        f"  Cociente (nbgrader / calificador): {m.cociente:.1f}× "
        f"({'cumple' if m.cociente >= OBJETIVO else 'no llega a'} el objetivo de {OBJETIVO}×)",
    ]
    discrepancias = m.discrepancias()
    if discrepancias:
        lineas.append("  Las notas NO coinciden en: " + ", ".join(discrepancias))
        for e in discrepancias[:5]:
            lineas.append(f"    {e}: calificador {m.notas_calificador.get(e)}, nbgrader {m.notas_nbgrader.get(e)}")
    else:
        lineas.append(f"  Las notas por función coinciden en las {m.entregas} entregas.")
    if m.desglose:
        lineas.append("Este calificador, por etapas:")
        lineas += ["  " + linea for linea in m.desglose.splitlines()[1:]]
    return "\n".join(lineas)


def _desglose(salida):
    """El bloque «Desglose por etapa» de la salida de ``calificar --desglose``."""
    return salida[salida.index("Desglose por etapa"):].strip() if "Desglose por etapa" in salida else ""


def _memoria(desglose):
    linea = next(l for l in desglose.splitlines() if "memoria máxima del calificador" in l)
    return float(linea.split()[-2])


def clase_grande(n, curso_origen, carpeta):
    """Escribe ``n`` entregas en ``carpeta/entregas-n`` (a partir del cuaderno del estudiante) y devuelve la ruta."""
    curso = Path(carpeta) / "curso_generar"
    if not curso.is_dir():
        copiar_curso(curso_origen, curso)
    nb = cuaderno_estudiante(curso)
    profesor = json.loads((curso / "source" / TALLER.id / TALLER.cuaderno).read_text(encoding="utf-8"))
    destino = Path(carpeta) / f"entregas-{n}"
    for estudiante, (cuaderno, _) in muestras.clase(nb, n, muestras.celdas_de_trabajo(profesor)).items():
        muestras.guardar(cuaderno, destino / estudiante / TALLER.id / TALLER.cuaderno)
    return destino


def medir_grande(n, trabajos, curso_origen, carpeta):
    """Califica ``n`` entregas (solo este calificador); devuelve (segundos, MiB de memoria máxima, desglose)."""
    carpeta = Path(carpeta)
    entregas = clase_grande(n, curso_origen, carpeta)
    curso = copiar_curso(curso_origen, carpeta / f"curso-{n}")
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(entregas), "--salida",
             str(carpeta / f"salida-{n}"), "--curso", str(curso), "--trabajos", str(trabajos), "--desglose"]
    inicio = time.perf_counter()
    resultado = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True)
    segundos = time.perf_counter() - inicio
    if resultado.returncode != 0:
        raise RuntimeError("El calificador falló:\n" + resultado.stderr[-3000:])
    desglose = _desglose(resultado.stdout)
    return segundos, _memoria(desglose), desglose


def grande(args, curso):
    """``bench --grande``: N entregas y N/10, con su tiempo, ritmo y memoria máxima del calificador."""
    n = args.entregas or 1000
    tamanos = sorted({max(1, n // 10), n})
    medidas = {}
    with tempfile.TemporaryDirectory(prefix="banco-grande-") as tmp:
        for tamano in tamanos:
            print(f"Generando y calificando {tamano} entregas…", file=sys.stderr)
            medidas[tamano] = medir_grande(tamano, args.trabajos, curso, tmp)
    print(f"Banco grande: {TALLER.id}, {args.trabajos} entregas a la vez.")
    for tamano, (segundos, memoria, _) in medidas.items():
        print(f"  {tamano:5d} entregas: {segundos:7.1f} s, {tamano / segundos:5.2f} entregas/s, "
              f"memoria máxima del calificador {memoria:6.1f} MiB")
    print(f"Desglose con {n} entregas:")
    print("\n".join("  " + linea for linea in medidas[n][2].splitlines()[1:]))
    pequena, mayor = medidas[tamanos[0]][1], medidas[n][1]
    if mayor > 1.5 * pequena + 50:
        print(f"La memoria NO se mantiene acotada: {mayor:.0f} MiB con {n} entregas frente a {pequena:.0f} MiB "
              f"con {tamanos[0]}.")
        return 1
    return 0


RONDAS = 3


def herramientas(trabajos):
    """{clave: nombre} de lo que se mide: este calificador (por defecto y de una en una) y las de referencia."""
    nombres = {f"calificador_{trabajos}": f"Este calificador ({trabajos} a la vez, por defecto)"}
    if trabajos != 1:
        nombres["calificador_1"] = "Este calificador (de una en una)"
    nombres["nbgrader"] = "nbgrader autograde (de una en una)"
    if banco_otter.disponible():
        nombres["otter"] = "otter run, otter-grader (de una en una)"
    return nombres


def _carga():
    return os.getloadavg()


def _texto_carga(carga):
    return "{:.1f} {:.1f} {:.1f}".format(*carga)


def rondas(lote, trabajos, nombres, rondas_=RONDAS, aviso=print):
    """Ejecuta las herramientas en rondas intercaladas; devuelve (tiempos por ronda, notas, desgloses, cargas)."""
    tiempos, notas, desgloses, cargas = [], {}, [], []
    zip_otter = None
    if "otter" in nombres:
        zip_otter = banco_otter.configuracion(lote.profesor, TALLER.funciones, lote.carpeta / "otter" / "autograder.zip")
    for r, orden in enumerate(banco_rondas.orden_intercalado(nombres, rondas_)):
        tiempos.append({})
        for h in orden:
            carga = _carga()
            aviso(f"Ronda {r + 1} de {rondas_}: {nombres[h]} (carga {_texto_carga(carga)})…")
            cargas.append(carga)
            nombre = f"{h}_{r}"
            if h.startswith("calificador_"):
                segundos, notas_h, desglose = calificador(lote, int(h.split("_")[1]), nombre)
                if h == f"calificador_{trabajos}":
                    desgloses.append(desglose)
            elif h == "nbgrader":
                segundos, notas_h = nbgrader(lote, nombre)
            else:
                segundos, notas_h, detenidas = banco_otter.calificar(
                    lote.cuadernos, zip_otter, lote.carpeta / "otter" / nombre, TALLER.funciones, TIEMPO_ENTREGA)
                notas_h = {e: dict(v, detenida=e in detenidas) for e, v in notas_h.items()}
            tiempos[-1][h] = segundos
            notas.setdefault(h, []).append(notas_h)
    return tiempos, notas, desgloses, cargas


def _suma(notas_de_una):
    return sum(v for k, v in notas_de_una.items() if k in TALLER.funciones)


def discrepancias(lote, notas, clave, referencia="nbgrader"):
    """Entregas en las que ``clave`` no da, en alguna ronda, las notas por función de ``referencia``
    (o, sin referencia, la nota esperada)."""
    malas = set()
    for i, propias in enumerate(notas[clave]):
        for e, esperada in lote.esperadas.items():
            otra = notas[referencia][i].get(e) if referencia else None
            mias = propias.get(e, {})
            if referencia and {f: mias.get(f) for f in TALLER.funciones} != {f: otra.get(f) for f in TALLER.funciones}:
                malas.add(e)
            elif _suma(mias) != esperada and not referencia:
                malas.add(e)
    return sorted(malas)


def composicion_texto(lote):
    from collections import Counter
    cuenta = Counter(lote.perfiles.values())
    partes = [f"{cuenta[p]} {p}" for p in sorted(cuenta, key=lambda p: -cuenta[p])]
    return ", ".join(partes)


def informe_rondas(lote, trabajos, nombres, tiempos, notas, desgloses, cargas):
    n = len(lote.cuadernos)
    nuestras = [h for h in nombres if h.startswith("calificador_")]
    referencias = [h for h in nombres if not h.startswith("calificador_")]
    lineas = [
        f"Banco: {n} entregas de {TALLER.id} ({composicion_texto(lote)}).",
        f"Límites iguales para todas: {TIEMPO_CELDA} s por celda (y por caso de prueba en este calificador), "
        f"{TIEMPO_ENTREGA} s por entrega en este calificador y en otter run (nbgrader no tiene límite por entrega).",
        f"{len(tiempos)} rondas intercaladas (una en un orden y la siguiente en el inverso): "
        + " | ".join(" → ".join(h.split("_")[0] + (f"[{h.split('_')[1]}]" if "_" in h else "") for h in o)
                     for o in banco_rondas.orden_intercalado(nombres, len(tiempos))) + ".",
        f"Carga de la máquina (uptime, media de 1/5/15 min) al empezar cada medida: de {_texto_carga(min(cargas))} "
        f"a {_texto_carga(max(cargas))} (2 núcleos); con otros trabajos a la vez, los tiempos absolutos varían "
        "mucho: mira los cocientes.",
        "",
        banco_rondas.tabla(tiempos, nombres, nuestras, referencias, n),
        "",
        "Cada celda: mediana de las rondas y, entre paréntesis, mínimo–máximo. «× nbgrader»: tiempo de "
        "nbgrader dividido entre el de esa fila en la misma ronda (cuántas veces más rápida es); igual «× otter».",
    ]
    if "otter" not in nombres:
        lineas.append("otter-grader no está instalado en este entorno (instálalo con `make bench`, que lo instala "
                      "desde requirements-banco.txt): no se mide.")
    else:
        detenidas = sorted({e for una in notas["otter"] for e, v in una.items() if v.get("detenida")})
        lineas.append(f"otter-grader {banco_otter.version()}: `otter grade` necesita Docker, que no hay aquí; se usa "
                      "`otter run` (sin contenedores ni aislamiento) entrega a entrega, con las mismas pruebas."
                      + (f" Se detuvo por tiempo en: {', '.join(detenidas)} ({', '.join(lote.perfiles[e] for e in detenidas)})."
                         if detenidas else ""))
    coinciden = True
    for h in nuestras:
        malas = discrepancias(lote, notas, h)
        if malas:
            coinciden = False
            lineas.append(f"Las notas de {nombres[h]} y nbgrader NO coinciden en: " + ", ".join(malas))
    malas = discrepancias(lote, notas, "nbgrader", referencia=None)
    if malas:
        lineas.append("nbgrader no da la nota esperada en: " + ", ".join(f"{e} ({lote.perfiles[e]})" for e in malas))
    if coinciden:
        lineas.append(f"Las notas por función de este calificador y de nbgrader coinciden en las {n} entregas, "
                      "en todas las rondas.")
    if "otter" in nombres:
        malas = discrepancias(lote, notas, "otter")
        lineas.append("otter-grader da las mismas notas por función que nbgrader" + (
            f" salvo en: {', '.join(f'{e} ({lote.perfiles[e]})' for e in malas)}." if malas else " en todas."))
    mediana = banco_rondas.mediana_y_rango(banco_rondas.cocientes(tiempos, "nbgrader", nuestras[0]))[0]
    if muestras.BUCLE.nombre in lote.perfiles.values():
        lineas.append(f"La entrega con el bucle infinito cuesta a cada herramienta unas dos veces el límite por celda "
                      f"(la celda que entrena y la primera prueba de entrenarRed; las demás de esa función ya no se "
                      f"ejecutan): este calificador no puede bajar de 2 × {TIEMPO_CELDA} s = {2 * TIEMPO_CELDA} s, "
                      "con cualquier número de trabajadores; nbgrader paga lo mismo más el resto, de una en una.")
    cumple = "se cumple" if mediana >= OBJETIVO else "NO se cumple"
    lineas.append(f"Objetivo: {OBJETIVO}× frente a nbgrader con los trabajadores por defecto: {cumple} "
                  f"(mediana {banco_rondas.cifra(mediana)}×).")
    if desgloses:
        lineas.append(f"Este calificador ({trabajos} a la vez), por etapas, en la última ronda:")
        lineas += ["  " + linea for linea in desgloses[-1].splitlines()[1:]]
    return "\n".join(lineas), coinciden, mediana


def main(args):
    """Orden ``bench``; código de salida 0 si las notas coinciden y el calificador es al menos 2× más rápido."""
    curso = Path(args.curso)
    if not (curso / "source" / TALLER.id / TALLER.cuaderno).is_file():
        print(f"error: falta el cuaderno fuente {curso / 'source' / TALLER.id / TALLER.cuaderno}; "
              "genera los talleres con `python -m construccion.generar_cuadernos`.", file=sys.stderr)
        return 2
    if args.grande:
        return grande(args, curso)
    args.entregas = args.entregas or 40
    nombres = herramientas(args.trabajos)
    with tempfile.TemporaryDirectory(prefix="banco-") as tmp:
        print(f"Generando {args.entregas} entregas y calificándolas en {RONDAS} rondas con "
              f"{len(nombres)} herramientas (puede tardar bastantes minutos)…", file=sys.stderr)
        lote = preparar(args.entregas, curso, tmp)
        resultado = rondas(lote, args.trabajos, nombres, aviso=lambda t: print(t, file=sys.stderr))
        texto, coinciden, mediana = informe_rondas(lote, args.trabajos, nombres, *resultado)
    print(texto)
    ok = coinciden and mediana >= 2
    if not ok:
        print("El banco NO cumple: las notas deben coincidir y el calificador ser al menos 2× más rápido.")
    return 0 if ok else 1
