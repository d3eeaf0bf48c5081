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
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from solutions.entorno import entorno_de_ordenes
from solutions.talleres import TALLERES

from . import muestras

RAIZ = Path(__file__).resolve().parents[2]
TALLER = TALLERES["xor-retropropagacion"]
OBJETIVO = 10  # veces más rápido que nbgrader autograde con las mismas entregas (make bench)


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


def medir(n, trabajos, curso_origen, carpeta):
    """Ejecuta el banco en ``carpeta`` (temporal) y devuelve la ``Medida``."""
    carpeta = Path(carpeta)
    curso_nbg = copiar_curso(curso_origen, carpeta / "curso_nbgrader")
    curso_cal = copiar_curso(curso_origen, carpeta / "curso_calificador")
    nb = cuaderno_estudiante(curso_nbg)
    # Los dos parten del mismo curso: el gradebook que deja generate_assignment (taller y celdas registrados).
    shutil.copyfile(curso_nbg / "gradebook.db", curso_cal / "gradebook.db")
    profesor = json.loads((curso_nbg / "source" / TALLER.id / TALLER.cuaderno).read_text(encoding="utf-8"))
    clase = muestras.clase(nb, n, muestras.celdas_de_trabajo(profesor))
    for estudiante, (cuaderno, _) in clase.items():
        muestras.guardar(cuaderno, carpeta / "entregas" / estudiante / TALLER.id / TALLER.cuaderno)
    shutil.copytree(carpeta / "entregas", curso_nbg / "submitted")

    inicio = time.perf_counter()
    orden = [sys.executable, "-m", "autograder", "calificar", TALLER.id, str(carpeta / "entregas"),
             "--salida", str(carpeta / "salida"), "--curso", str(curso_cal), "--trabajos", str(trabajos),
             "--desglose"]
    resultado = subprocess.run(orden, cwd=RAIZ, env=entorno_de_ordenes(), capture_output=True, text=True)
    t_cal = time.perf_counter() - inicio
    if resultado.returncode != 0:
        raise RuntimeError("El calificador falló:\n" + resultado.stderr[-3000:])
    desglose = _desglose(resultado.stdout)

    inicio = time.perf_counter()
    _nbgrader(curso_nbg, "autograde", TALLER.id, "--force")
    t_nbg = time.perf_counter() - inicio

    medida = Medida(n, t_cal, t_nbg, desglose, esperadas={e: nota for e, (_, nota) in clase.items()})
    with open(carpeta / "salida" / "calificaciones.csv", encoding="utf-8") as f:
        for fila in csv.DictReader(f):
            medida.notas_calificador[fila["estudiante"]] = {x: float(fila[x]) for x in TALLER.funciones}
    medida.notas_nbgrader = notas_nbgrader(curso_nbg, list(clase))
    return medida


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
    with tempfile.TemporaryDirectory(prefix="banco-") as tmp:
        print(f"Generando {args.entregas} entregas y calificándolas dos veces (puede tardar unos minutos)…",
              file=sys.stderr)
        m = medir(args.entregas, args.trabajos, curso, tmp)
    print(informe(m))
    ok = not m.discrepancias() and m.cociente >= 2
    if not ok:
        print("El banco NO cumple: las notas deben coincidir y el calificador ser al menos 2× más rápido.")
    return 0 if ok else 1
