"""Files in and out: profile files, paper questionnaires, result exports."""
