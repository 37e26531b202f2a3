function toggleNav(){var n=document.getElementById('mainnav');n.style.display=(n.style.display=='block')?'none':'block';}
