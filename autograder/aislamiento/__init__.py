"""Aislamiento: el proceso que ejecuta el código del estudiante y el canal con él.

    sesion        -- lanza y dirige el proceso aislado (lado del calificador)
    corredor      -- programa que se ejecuta dentro del proceso aislado
    restricciones -- Landlock, capacidades y seccomp (libseccomp) del proceso aislado
    servidor_fork -- servidor de procesos calientes: bifurca un corredor ya cargado
    codec         -- valores como datos JSON entre ambos procesos (sin pickle)
    mensajes      -- lectura acotada de los mensajes del canal
"""
