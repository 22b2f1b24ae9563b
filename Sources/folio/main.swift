import FolioKit; print("hi")
