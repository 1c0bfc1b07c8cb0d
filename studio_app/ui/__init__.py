"""The Qt widgets: main window, canvas, coach, library, results. Only this package imports QtWidgets."""
