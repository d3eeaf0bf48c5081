"""Lote: califica muchas entregas, en esta máquina o en un clúster de Dask.

    local       -- ejecutor local en paralelo, resultados atómicos y reanudables
    distribuido -- ejecutor en un clúster de Dask (``calificar --dask``), con la misma interfaz
    progreso    -- barra de progreso
"""
