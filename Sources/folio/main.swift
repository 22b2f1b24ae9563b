import FolioCLI

// The folio executable: everything but process start-up lives in FolioCLI
// (the commands) and the libraries under it, so tests run the same commands
// in-process through `FolioCLI.run(_:context:)`.
FolioCLI.main()
